import type { BusRequest } from "../events/domain-event.js";
/**
 * Who asks for an operation, as a typed value: every access path names its actor this way, and
 * authorization and the records read it, never a string parsed back.
 */
export type Actor =
  /** Someone acting on a pull request: its author pushing, or a commenter's command. */
  | {
      kind: "pull-request";
      /** The pull request (or, for a comment on an expiry warning, the issue). */
      number: number;
      login: string;
      /** The pull request's head is a fork. */
      fork?: boolean;
      /** Asked in a comment (`/envbot ...`), not by pushing. */
      comment?: true;
    }
  | { kind: "cli"; user: string }
  /**
   * Someone through the REST API or the dashboard: a signed-in GitHub login, or an API token
   * acting as the login that created it, limited to the token's repositories.
   */
  | { kind: "api"; login: string; via: "session" | "token"; repositories?: readonly string[] }
  /**
   * A command from the AMQP command queue, with the rights the server grants its broker user
   * (ENVBOT_AMQP_USERS, ENVBOT_AMQP_ALLOW, ENVBOT_AMQP_REPOSITORIES); `user` is the message's
   * user_id, which the broker checked against the publishing connection's user (absent: the
   * command is refused), `request` where the run's outcome goes back.
   */
  | { kind: "amqp"; user?: string; request?: BusRequest }
  | { kind: "reconciler" };

/** The actor as run records and people read it: a GitHub login, "cli:USER", "reconciler". */
export function actorText(actor: Actor): string {
  switch (actor.kind) {
    case "pull-request":
      return actor.login;
    case "cli":
      return `cli:${actor.user}`;
    case "api":
      return actor.login;
    case "amqp":
      return actor.user ? `amqp:${actor.user}` : "amqp";
    case "reconciler":
      return "reconciler";
  }
}

/** The way in, as the audit trail names it: "pull-request" (a push), "comment", "api", "api-token", "cli", "amqp", "reconciler". */
export function actorSource(actor: Actor): string {
  if (actor.kind === "api") return actor.via === "token" ? "api-token" : "api";
  if (actor.kind === "pull-request" && actor.comment) return "comment";
  return actor.kind;
}
