import { parseAllowGroups } from "../patterns/allow-groups.js";
import { globMatches } from "../patterns/glob.js";
import { SECRET_SOURCE_KINDS, type SecretSourceKind } from "./secret-location.js";

/**
 * What the operator lets definitions read (ENVBOT_SECRETS_ALLOW). Groups are separated by ';' or
 * a line break; a group is `[REPOSITORY=]ITEM,ITEM...`, an item `[SOURCE:]GLOB`. An item without
 * a source is `env:` and a group without a repository applies to every repository, so the old
 * syntax (`DB_*,API_TOKEN`) keeps its meaning. `*` matches any run of characters, '/' included.
 */
export interface SecretAllowRules {
  rules: readonly SecretAllowRule[];
}

export interface SecretAllowRule {
  /** A glob of OWNER/NAME, case-insensitive as GitHub's names are; undefined: every repository. */
  repository?: string;
  source: SecretSourceKind;
  pattern: string;
}

export class SecretAllowSyntaxError extends Error {
  override name = "SecretAllowSyntaxError";
}

export function parseSecretAllowRules(text: string | undefined): SecretAllowRules {
  const rules: SecretAllowRule[] = [];
  for (const { repository, items } of parseAllowGroups(text, (message) => new SecretAllowSyntaxError(message))) {
    for (const item of items) {
      const colon = item.indexOf(":");
      const source = colon >= 0 ? item.slice(0, colon).trim() : "env";
      const pattern = colon >= 0 ? item.slice(colon + 1).trim() : item;
      if (!(SECRET_SOURCE_KINDS as readonly string[]).includes(source)) {
        throw new SecretAllowSyntaxError(`'${item}' names no source envbot knows: write env:, awssecret:, ssm: or file: before the pattern`);
      }
      if (pattern === "") throw new SecretAllowSyntaxError(`'${item}' has no pattern after '${source}:'`);
      rules.push({ ...(repository !== undefined && { repository }), source: source as SecretSourceKind, pattern });
    }
  }
  return { rules };
}

/** The patterns of `source` that apply to `repository` (undefined: rules for every repository only). */
export function allowedPatterns(allow: SecretAllowRules, repository: string | undefined, source: SecretSourceKind): SecretAllowRule[] {
  return allow.rules.filter(
    (rule) => rule.source === source && (rule.repository === undefined || (repository !== undefined && globMatches(rule.repository, repository, "i"))),
  );
}

export function isSecretAllowed(allow: SecretAllowRules, repository: string | undefined, source: SecretSourceKind, name: string): boolean {
  return allowedPatterns(allow, repository, source).some((rule) => globMatches(rule.pattern, name));
}

/** A rule as the operator would write it: env patterns bare, as ENVBOT_SECRETS_ALLOW always took them. */
export function formatSecretAllowRule(rule: SecretAllowRule): string {
  return rule.source === "env" ? rule.pattern : `${rule.source}:${rule.pattern}`;
}
