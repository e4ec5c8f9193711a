import { isDuration } from "../duration/duration.js";
import { NAME_PATTERN } from "../environment/index.js";

/** A `/envbot ...` command in a comment (of a pull request, or of an expiry warning or drift issue). */
export type CommentCommand =
  | { kind: "plan"; environment?: string }
  | { kind: "unlock"; environment?: string }
  /** Opens (or updates) a pull request that moves the environment's end `by` later. */
  | { kind: "extend"; environment?: string; by: string }
  /** Opens a pull request that removes the environment's definition. */
  | { kind: "destroy"; environment: string }
  /** Wakes a sleeping environment (hibernation) for `duration`, or until its next awake window ends. */
  | { kind: "wake"; environment?: string; duration?: string }
  /** On a drift issue: plans the definition on the default branch (undoing the drift); with confirm, applies it. */
  | { kind: "revert"; confirm: boolean }
  /** On a drift issue: opens a pull request that writes the drifted values into the definition. */
  | { kind: "adopt" }
  | { kind: "help" }
  | { kind: "unknown"; text: string };


/** The command on the comment's first line, or undefined when the comment is not addressed to envbot. */
export function parseCommentCommand(body: string): CommentCommand | undefined {
  const firstLine = body.trim().split("\n")[0]!.trim();
  const [prefix, verb, ...args] = firstLine.split(/\s+/);
  if (prefix !== "/envbot") return undefined;
  const name = (text: string | undefined) => text !== undefined && NAME_PATTERN.test(text);
  if ((verb === "plan" || verb === "unlock") && args.length <= 1 && (args.length === 0 || name(args[0]))) {
    return { kind: verb, ...(args[0] ? { environment: args[0] } : {}) };
  }
  if (verb === "extend" && args.length === 1 && isDuration(args[0]!)) return { kind: "extend", by: args[0]! };
  if (verb === "extend" && args.length === 2 && name(args[0]) && isDuration(args[1]!)) return { kind: "extend", environment: args[0]!, by: args[1]! };
  if (verb === "destroy" && args.length === 1 && name(args[0])) return { kind: "destroy", environment: args[0]! };
  if (verb === "wake" && args.length <= 2) {
    // NAME, DURATION, both or neither: a duration is never a name (it starts with a digit).
    const [first, second] = args;
    if (args.length === 0) return { kind: "wake" };
    if (args.length === 1 && isDuration(first!)) return { kind: "wake", duration: first! };
    if (args.length === 1 && name(first)) return { kind: "wake", environment: first! };
    if (args.length === 2 && name(first) && isDuration(second!)) return { kind: "wake", environment: first!, duration: second! };
  }
  if (verb === "revert" && (args.length === 0 || (args.length === 1 && args[0] === "confirm"))) return { kind: "revert", confirm: args.length === 1 };
  if (verb === "adopt" && args.length === 0) return { kind: "adopt" };
  if (verb === "help" && args.length === 0) return { kind: "help" };
  return { kind: "unknown", text: firstLine.slice(0, 100) };
}
