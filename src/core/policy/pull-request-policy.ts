import type { ResolvedConfig } from "../config/repository-config.js";
import { CONFIG_PATH } from "../config/repository-config.js";
import { listDefinitionFiles } from "../environment/index.js";
import type { RepoFiles } from "../ports.js";
import { START_OF_FILE } from "../diagnostics/index.js";
import { MAX_YAML_FILE_BYTES, parseYamlFile, type PathSegment } from "../yaml/index.js";
import { matchesNamePattern } from "./action-rules.js";
import { describePeople, isOneOf, type TeamMembership } from "./people.js";
import type { PolicyFinding, PullRequestPolicyReport } from "./policy-report.js";

export type { PolicyFinding, PullRequestPolicyReport };

/** A definition file a pull request changes, and what merging does to its environment. */
export interface PolicyChange {
  environment: string;
  file: string;
  effect: "apply" | "destroy";
}

/** What a definition file says that the policy reads, with where it says it. */
interface DefinitionFacts {
  owner?: string;
  template?: string;
  protected: boolean;
  /** Where a path of the file is (line, column), for annotations. */
  at(path: PathSegment[]): { line: number; column: number };
}

/**
 * What the repository's policy (default branch) says about a pull request's changes: who may
 * request their templates or names (the author), whose approving review they need (templates,
 * names, protected environments), and whether the quotas still hold with the changes made.
 * Approvals are the logins whose latest review approves. A policy with mistakes blocks everything.
 */
export async function evaluatePullRequestPolicy(input: {
  changes: readonly PolicyChange[];
  /** The definitions after the merge (the head), and before it (the base). */
  head: RepoFiles;
  base: RepoFiles;
  config: ResolvedConfig;
  author: string;
  approvals: readonly string[];
  membership: TeamMembership;
}): Promise<PullRequestPolicyReport> {
  const { config, membership } = input;
  const findings: PolicyFinding[] = [];
  if (config.unreadable) {
    findings.push({ environment: "", file: CONFIG_PATH, ...START_OF_FILE, kind: "unreadable", rule: CONFIG_PATH, met: false, message: `${CONFIG_PATH} on the default branch has mistakes: no change to environments can be approved until they are fixed` });
    return { findings, satisfied: false };
  }
  const policy = config.policy;
  const approvers = input.approvals.filter((login) => login.toLowerCase() !== input.author.toLowerCase());

  /** The approval a rule asks for: met by the first approver who is one of `people`. */
  const needApproval = async (change: PolicyChange, facts: DefinitionFacts | undefined, kind: "approval" | "protected", rule: string, people: readonly string[], what: string) => {
    const at = facts?.at(kind === "protected" ? ["spec", "protected"] : ["spec", "template"]) ?? START_OF_FILE;
    for (const login of approvers) {
      if (await isOneOf(people, login, { owner: facts?.owner }, membership)) {
        findings.push({ environment: change.environment, file: change.file, ...at, kind, rule, met: true, message: `${what}: approved by @${login} (${rule})` });
        return;
      }
    }
    findings.push({ environment: change.environment, file: change.file, ...at, kind, rule, met: false, message: `${what}: needs an approving review from ${describePeople(people, facts?.owner)} (${rule})` });
  };

  for (const change of input.changes) {
    const before = await readFacts(input.base, change.file);
    const after = change.effect === "apply" ? await readFacts(input.head, change.file) : undefined;
    const current = after ?? before;
    const template = current?.template;

    // Who may ask for it: a new environment, or one moved to another template.
    if (after && (before === undefined || before.template !== after.template)) {
      const rules = requestRules(config, change.environment, after.template);
      for (const { rule, people } of rules) {
        if (!(await isOneOf(people, input.author, { owner: after.owner }, membership))) {
          findings.push({ environment: change.environment, file: change.file, ...after.at(["spec", "template"]), kind: "request", rule, met: false, message: `@${input.author} may not request ${after.template ? `template ${after.template}` : change.environment}: it is for ${describePeople(people, after.owner)} (${rule})` });
        }
      }
    }

    // Whose approval it needs.
    if (template !== undefined && policy.templates?.[template]?.approve) {
      await needApproval(change, current, "approval", `policy.templates.${template}.approve`, policy.templates[template]!.approve!, `${change.effect === "destroy" ? "destroying" : "changing"} ${change.environment} (template ${template})`);
    }
    for (const [index, rule] of (policy.environments ?? []).entries()) {
      if (rule.approve && matchesNamePattern(rule.name, change.environment)) {
        await needApproval(change, current, "approval", `policy.environments[${index}].approve`, rule.approve, `${change.effect === "destroy" ? "destroying" : "changing"} ${change.environment} (matches ${rule.name})`);
      }
    }
    const wasProtected = before?.protected === true;
    if ((wasProtected || after?.protected === true) && policy.protected?.approve) {
      const what = !wasProtected ? `making ${change.environment} protected` : change.effect === "destroy" ? `destroying the protected environment ${change.environment}` : `changing the protected environment ${change.environment}`;
      await needApproval(change, wasProtected ? before : after, "protected", "policy.protected.approve", policy.protected.approve, what);
    }
  }

  findings.push(...(await quotaFindings(input.head, input.changes, config)));
  return { findings, satisfied: findings.every((f) => f.met) };
}

function requestRules(config: ResolvedConfig, name: string, template: string | undefined): { rule: string; people: readonly string[] }[] {
  const rules: { rule: string; people: readonly string[] }[] = [];
  const byTemplate = template !== undefined ? config.policy.templates?.[template]?.request : undefined;
  if (byTemplate) rules.push({ rule: `policy.templates.${template}.request`, people: byTemplate });
  for (const [index, rule] of (config.policy.environments ?? []).entries()) {
    if (rule.request && matchesNamePattern(rule.name, name)) rules.push({ rule: `policy.environments[${index}].request`, people: rule.request });
  }
  return rules;
}

/** After the merge: environments per owner and per template, against the quotas, for the owners and templates the changes touch. */
async function quotaFindings(head: RepoFiles, changes: readonly PolicyChange[], config: ResolvedConfig): Promise<PolicyFinding[]> {
  const quotas = config.policy.quotas;
  if (!quotas) return [];
  const touched = await Promise.all(changes.filter((c) => c.effect === "apply").map(async (change) => ({ change, facts: await readFacts(head, change.file) })));
  if (touched.length === 0) return [];
  const owners = new Map<string, number>();
  const templates = new Map<string, number>();
  for (const files of (await listDefinitionFiles(head)).values()) {
    const facts = await readFacts(head, files[0]!);
    if (facts?.owner) owners.set(facts.owner.toLowerCase(), (owners.get(facts.owner.toLowerCase()) ?? 0) + 1);
    if (facts?.template) templates.set(facts.template, (templates.get(facts.template) ?? 0) + 1);
  }
  const findings: PolicyFinding[] = [];
  const reported = new Set<string>();
  for (const { change, facts } of touched) {
    if (!facts) continue;
    const owned = facts.owner ? (owners.get(facts.owner.toLowerCase()) ?? 0) : 0;
    if (quotas.perOwner !== undefined && facts.owner && owned > quotas.perOwner && !reported.has(`owner ${facts.owner}`)) {
      reported.add(`owner ${facts.owner}`);
      findings.push({ environment: change.environment, file: change.file, ...facts.at(["metadata", "owner"]), kind: "quota", rule: "policy.quotas.perOwner", met: false, message: `${facts.owner} would own ${owned} environments; the policy allows ${quotas.perOwner} per owner (policy.quotas.perOwner)` });
    }
    const limit = facts.template !== undefined ? quotas.perTemplate?.[facts.template] : undefined;
    const count = facts.template !== undefined ? (templates.get(facts.template) ?? 0) : 0;
    if (limit !== undefined && count > limit && !reported.has(`template ${facts.template}`)) {
      reported.add(`template ${facts.template}`);
      findings.push({ environment: change.environment, file: change.file, ...facts.at(["spec", "template"]), kind: "quota", rule: `policy.quotas.perTemplate.${facts.template}`, met: false, message: `there would be ${count} environments of template ${facts.template}; the policy allows ${limit} (policy.quotas.perTemplate.${facts.template})` });
    }
  }
  return findings;
}

/** The policy's facts of a definition file; undefined when there is none or it is no YAML (validation reports that). */
async function readFacts(files: RepoFiles, file: string): Promise<DefinitionFacts | undefined> {
  const content = await files.readFile(file, MAX_YAML_FILE_BYTES).catch(() => undefined);
  if (!content) return undefined;
  const parsed = parseYamlFile({ file, bytes: content.bytes, size: content.size, expected: "an environment definition" });
  if (!parsed.ok) return undefined;
  const value = parsed.value as { metadata?: { owner?: unknown }; spec?: { template?: unknown; protected?: unknown } } | null;
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    owner: text(value?.metadata?.owner),
    template: text(value?.spec?.template),
    protected: value?.spec?.protected === true,
    at: (path) => parsed.locator.locate(path, "value"),
  };
}
