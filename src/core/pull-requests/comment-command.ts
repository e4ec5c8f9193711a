import { NAME_PATTERN } from "../environment/index.js";

/** A `/envbot ...` command in a pull request comment. */
export type CommentCommand =
  | { kind: "plan"; environment?: string }
  | { kind: "unlock"; environment?: string }
  | { kind: "unknown"; text: string };


/** The command on the comment's first line, or undefined when the comment is not addressed to envbot. */
export function parseCommentCommand(body: string): CommentCommand | undefined {
  const firstLine = body.trim().split("\n")[0]!.trim();
  const [prefix, verb, argument, ...rest] = firstLine.split(/\s+/);
  if (prefix !== "/envbot") return undefined;
  if ((verb === "plan" || verb === "unlock") && rest.length === 0 && (argument === undefined || NAME_PATTERN.test(argument))) {
    return { kind: verb, ...(argument ? { environment: argument } : {}) };
  }
  return { kind: "unknown", text: firstLine.slice(0, 100) };
}
