import { parseAllowGroups } from "../patterns/allow-groups.js";
import { globMatches } from "../patterns/glob.js";

/**
 * Which IAM roles each repository may have its runs assume (ENVBOT_AWS_ROLES_ALLOW). Groups are
 * separated by ';' or a line break; a group is `[REPOSITORY=]GLOB,GLOB...` and a group without a
 * repository applies to every repository. Nothing is allowed by default: a repository's config is
 * written by whoever may merge there, and must not reach another team's roles.
 */
export interface RoleAllowRules {
  rules: readonly { repository?: string; pattern: string }[];
}

export class RoleAllowSyntaxError extends Error {
  override name = "RoleAllowSyntaxError";
}

export function parseRoleAllowRules(text: string | undefined): RoleAllowRules {
  const rules: { repository?: string; pattern: string }[] = [];
  for (const { repository, items } of parseAllowGroups(text, (message) => new RoleAllowSyntaxError(message))) {
    for (const pattern of items) {
      if (!pattern.startsWith("arn:")) throw new RoleAllowSyntaxError(`'${pattern}' is not a role ARN (or a glob of one, like arn:aws:iam::123456789012:role/envbot-*)`);
      rules.push({ ...(repository !== undefined && { repository }), pattern });
    }
  }
  return { rules };
}

/** Why `repository` may not assume `role`, or undefined when it may. */
export function roleRefusal(allow: RoleAllowRules, repository: string, role: string): string | undefined {
  const patterns = allow.rules.filter((rule) => rule.repository === undefined || globMatches(rule.repository, repository, "i")).map((rule) => rule.pattern);
  if (patterns.some((pattern) => globMatches(pattern, role))) return undefined;
  if (patterns.length === 0) return `the server's ENVBOT_AWS_ROLES_ALLOW lets ${repository} assume no role; whoever runs envbot can allow ${role} there`;
  return `${role} matches none of the roles the server's ENVBOT_AWS_ROLES_ALLOW lets ${repository} assume (${patterns.join(", ")})`;
}
