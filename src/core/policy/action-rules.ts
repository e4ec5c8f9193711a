import type { ResolvedConfig } from "../config/repository-config.js";
import { CONFIG_PATH } from "../config/repository-config.js";
import { describePeople, isOneOf, type TeamMembership } from "./people.js";

/** What a rule of the policy is asked about: the environment as the store and its definition know it. */
export interface PolicyTarget {
  name?: string;
  /** "@user" or "@org/team". */
  owner?: string;
  template?: string;
  protected?: boolean;
}

/** What the policy asks about an environment, as envbot last planned it (its record). */
export function policyTargetOf(record: { owner?: string; template?: string; definition?: Record<string, unknown> } | undefined): PolicyTarget {
  const spec = record?.definition?.spec as { protected?: unknown } | undefined;
  return { owner: record?.owner, template: record?.template, protected: spec?.protected === true };
}

/** The actions the policy's `actions` rules name; `request` is governed by `templates` and `environments`. */
export type GovernedAction = "plan" | "unlock" | "extend" | "wake" | "revert" | "adopt" | "destroy" | "destroy-now" | "request";

export type PolicyDecision = { allowed: true } | { allowed: false; reason: "policy"; rule: string; detail: string } | { allowed: false; reason: "policy-unreadable"; detail: string };

/** A name pattern of `policy.environments` (a glob: * matches any run of characters). */
export function matchesNamePattern(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, "\\$&")).join(".*")}$`);
  return regex.test(name);
}

/**
 * What the repository's policy says about `login` doing `action` to `target`, beyond write
 * permission (which authorize checks first). Every rule that speaks must let the login through;
 * where none speaks, the action is allowed. A policy file with mistakes allows nothing it governs.
 */
export async function decideByPolicy(login: string, action: GovernedAction, target: PolicyTarget, config: ResolvedConfig, membership: TeamMembership): Promise<PolicyDecision> {
  if (config.unreadable) return { allowed: false, reason: "policy-unreadable", detail: `${CONFIG_PATH} on the default branch has mistakes; until they are fixed its policy allows nothing it governs` };
  const { policy } = config;
  const rules: { rule: string; people: readonly string[] }[] = [];
  if (action === "request") {
    const byTemplate = target.template !== undefined && Object.hasOwn(policy.templates ?? {}, target.template) ? policy.templates![target.template]!.request : undefined;
    if (byTemplate) rules.push({ rule: `policy.templates.${target.template}.request`, people: byTemplate });
    for (const [index, rule] of (policy.environments ?? []).entries()) {
      if (rule.request && target.name !== undefined && matchesNamePattern(rule.name, target.name)) rules.push({ rule: `policy.environments[${index}].request (${rule.name})`, people: rule.request });
    }
  } else if (action === "destroy-now") {
    // Outside Git, at once: only whom the policy names, and never a protected environment.
    if (target.protected) return { allowed: false, reason: "policy", rule: "spec.protected", detail: `${target.name ?? "this environment"} is protected: it is destroyed only by merging the removal of its definition` };
    if (!policy.actions?.destroyNow) return { allowed: false, reason: "policy", rule: "policy.actions.destroyNow", detail: `an immediate destroy is for nobody until policy.actions.destroyNow in ${CONFIG_PATH} names who may` };
    rules.push({ rule: "policy.actions.destroyNow", people: policy.actions.destroyNow });
  } else {
    const byAction = policy.actions?.[action];
    if (byAction) rules.push({ rule: `policy.actions.${action}`, people: byAction });
    if (target.protected && policy.protected?.act && action !== "plan") rules.push({ rule: "policy.protected.act", people: policy.protected.act });
  }
  for (const { rule, people } of rules) {
    if (!(await isOneOf(people, login, { owner: target.owner }, membership))) {
      const what =
        action === "request" ? `requesting ${target.template ? `template ${target.template}` : "this environment"}` : action === "destroy-now" ? "an immediate destroy" : `${action}${target.protected ? " of a protected environment" : ""}`;
      return { allowed: false, reason: "policy", rule, detail: `${what} is for ${describePeople(people, target.owner)} (${rule} in ${CONFIG_PATH})` };
    }
  }
  return { allowed: true };
}
