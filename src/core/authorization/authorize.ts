import type { Permission } from "../ports.js";
import type { Actor } from "./actor.js";

/**
 * What an actor asks to do. `run-head-templates`: have the Terraform code of a pull request's
 * head run (the trust model; otherwise its templates come from the default branch).
 */
export type Action = "plan" | "apply" | "destroy" | "unlock" | "run-head-templates";

/** Where the rules get what they decide on: today the repository permission of a GitHub login. */
export interface AccessPolicy {
  permissionOf(repository: string, login: string): Promise<Permission>;
}

export type Decision = { allowed: true } | { allowed: false; reason: "needs-write"; permission: Permission } | { allowed: false; reason: "fork" };

/** Whether a permission lets its holder push: who may run commands and have their templates run. */
export function canWrite(permission: Permission): boolean {
  return permission === "admin" || permission === "maintain" || permission === "write";
}

/**
 * The one place that decides who may do what, for every access path. Today's rules: on GitHub
 * an action needs write permission on the repository, and a fork's code never runs; the CLI
 * (its user owns the machine and the data directory) and the reconciler (it only destroys what
 * expired and checks drift) may do what they ask.
 */
export async function authorize(actor: Actor, action: Action, environment: { repository: string; name?: string }, policy: AccessPolicy): Promise<Decision> {
  switch (actor.kind) {
    case "cli":
    case "reconciler":
      return { allowed: true };
    case "pull-request": {
      if (action === "run-head-templates" && actor.fork) return { allowed: false, reason: "fork" };
      const permission = await policy.permissionOf(environment.repository, actor.login);
      return canWrite(permission) ? { allowed: true } : { allowed: false, reason: "needs-write", permission };
    }
  }
}
