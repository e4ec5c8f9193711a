import type { ResolvedConfig } from "../config/repository-config.js";
import { CONFIG_PATH } from "../config/repository-config.js";
import { listDefinitionFiles } from "../repository/index.js";
import { isDuration, parseDuration } from "../duration/duration.js";
import { hoursAhead, ownerEstimate } from "./cost-cap.js";
import type { Approval, RepoFiles } from "../ports/index.js";
import { START_OF_FILE } from "../diagnostics/index.js";
import { MAX_YAML_FILE_BYTES, parseYamlFile, type PathSegment } from "../yaml/index.js";
import { matchesNamePattern } from "./action-rules.js";
import { describePeople, isOneOf, type TeamMembership } from "./people.js";
import type { PolicyFinding, PullRequestPolicyReport } from "../ports/policy-report.js";

export type { PolicyFinding, PullRequestPolicyReport };

/** Prices for the cost cap: an environment's price per hour as its latest plan recorded it. */
export interface PolicyCosts {
  /**
   * Each environment's price per hour, read at once for all of them; `changed`: the pull request
   * changes it, so only a plan of the pull request's own head counts. Unpriced ones are absent.
   */
  pricesOf(environments: readonly { environment: string; changed: boolean }[]): Promise<ReadonlyMap<string, number>>;
  now: Date;
}

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
  /** How long it lives, as spec.ttl or spec.expiresAt say (for the cost cap). */
  ttlMs?: number;
  expiresAt?: Date;
  /** Where a path of the file is (line, column), for annotations. */
  at(path: PathSegment[]): { line: number; column: number };
}

/**
 * What the repository's policy (default branch) says about a pull request's changes: who may
 * request their templates or names (the author), whose approving review they need (templates,
 * names, protected environments, a change of owner, the policy file itself), and whether the
 * quotas still hold with the changes made. A rule applies to what a change leaves as well as to
 * what it reaches: the template, name and protection before the change (the base) and after it
 * (the head), a removal counting as leaving. Only approvals of the head commit count; one of an
 * earlier commit is named as stale. A policy with mistakes blocks everything.
 */
export async function evaluatePullRequestPolicy(input: {
  changes: readonly PolicyChange[];
  /** The definitions after the merge (the head), and before it (the base). */
  head: RepoFiles;
  base: RepoFiles;
  config: ResolvedConfig;
  author: string;
  /** The latest approving review of each person, with the commit it approved. */
  approvals: readonly Approval[];
  /** The pull request's head commit: the only one whose approvals count. */
  headSha: string;
  membership: TeamMembership;
  /** The pull request changes .github/envbot.yml: that needs policy.config.approve (default: protected.approve). */
  configChanged?: boolean;
  /** What environments cost per hour, for policy.quotas.monthlyCostPerOwner (without it, that quota is not checked). */
  costs?: PolicyCosts;
}): Promise<PullRequestPolicyReport> {
  const { config, membership } = input;
  const findings: PolicyFinding[] = [];
  if (config.unreadable) {
    findings.push({ environment: "", file: CONFIG_PATH, ...START_OF_FILE, kind: "unreadable", rule: CONFIG_PATH, met: false, message: `${CONFIG_PATH} on the default branch has mistakes: no change to environments can be approved until they are fixed` });
    return { findings, satisfied: false };
  }
  const policy = config.policy;
  const notAuthor = (approval: Approval) => approval.login.toLowerCase() !== input.author.toLowerCase();
  const current = input.approvals.filter((a) => notAuthor(a) && a.commit === input.headSha);
  const stale = input.approvals.filter((a) => notAuthor(a) && a.commit !== input.headSha);

  /** The approval a rule asks for: met by the first approver of the head commit who is one of `people`. */
  const needApproval = async (need: { environment: string; file: string; at: { line: number; column: number }; kind: "approval" | "protected"; rule: string; people: readonly string[]; owner?: string; what: string }) => {
    const { people, owner } = need;
    const finding = { environment: need.environment, file: need.file, line: need.at.line, column: need.at.column, kind: need.kind, rule: need.rule };
    for (const { login } of current) {
      if (await isOneOf(people, login, { owner }, membership)) {
        findings.push({ ...finding, met: true, message: `${need.what}: approved by @${login} (${need.rule})` });
        return;
      }
    }
    const outdated: string[] = [];
    for (const approval of stale) {
      if (await isOneOf(people, approval.login, { owner }, membership)) outdated.push(`@${approval.login}'s approval is of an earlier commit (${approval.commit.slice(0, 7)}) and went stale`);
    }
    const staleNote = outdated.length > 0 ? `; ${outdated.join("; ")}` : "";
    findings.push({ ...finding, met: false, message: `${need.what}: needs an approving review from ${describePeople(people, owner)} (${need.rule})${staleNote}` });
  };

  if (input.configChanged) {
    const people = policy.config?.approve ?? policy.protected?.approve;
    if (people) {
      const rule = policy.config?.approve ? "policy.config.approve" : "policy.protected.approve";
      await needApproval({ environment: "", file: CONFIG_PATH, at: START_OF_FILE, kind: "approval", rule, people, what: `changing ${CONFIG_PATH}` });
    }
  }

  for (const change of input.changes) {
    const before = await readFacts(input.base, change.file);
    const after = change.effect === "apply" ? await readFacts(input.head, change.file) : undefined;
    const doing = change.effect === "destroy" ? "destroying" : "changing";
    // An environment that exists on the base belongs to the owner recorded there: a pull request
    // cannot name its own accomplice as the owner whose approval a rule asks for.
    const owner = before ? before.owner : after?.owner;
    const need = (facts: DefinitionFacts | undefined, kind: "approval" | "protected", path: PathSegment[], rule: string, people: readonly string[], what: string) =>
      needApproval({ environment: change.environment, file: change.file, at: facts?.at(path) ?? START_OF_FILE, kind, rule, people, owner, what });

    // Who may ask for it: a new environment, or one moved to another template.
    if (after && (before === undefined || before.template !== after.template)) {
      const rules = requestRules(config, change.environment, after.template);
      for (const { rule, people } of rules) {
        if (!(await isOneOf(people, input.author, { owner: after.owner }, membership))) {
          findings.push({ environment: change.environment, file: change.file, ...after.at(["spec", "template"]), kind: "request", rule, met: false, message: `@${input.author} may not request ${after.template ? `template ${after.template}` : change.environment}: it is for ${describePeople(people, after.owner)} (${rule})` });
        }
      }
    }

    // Whose approval it needs: the template it leaves and the one it reaches.
    const approvers: string[] = [];
    const templates = [...new Set([before?.template, after?.template].filter((t): t is string => t !== undefined))];
    for (const template of templates) {
      const people = Object.hasOwn(policy.templates ?? {}, template) ? policy.templates![template]!.approve : undefined;
      if (!people) continue;
      approvers.push(...people);
      const leaving = after !== undefined && before?.template === template && after.template !== template;
      const what = leaving ? `moving ${change.environment} off template ${template} (to ${after.template ?? "none"})` : `${doing} ${change.environment} (template ${template})`;
      await need(after?.template === template ? after : before, "approval", ["spec", "template"], `policy.templates.${template}.approve`, people, what);
    }
    for (const [index, rule] of (policy.environments ?? []).entries()) {
      if (rule.approve && matchesNamePattern(rule.name, change.environment)) {
        approvers.push(...rule.approve);
        await need(after ?? before, "approval", ["spec", "template"], `policy.environments[${index}].approve`, rule.approve, `${doing} ${change.environment} (matches ${rule.name})`);
      }
    }
    const wasProtected = before?.protected === true;
    if ((wasProtected || after?.protected === true) && policy.protected?.approve) {
      approvers.push(...policy.protected.approve);
      const what = !wasProtected ? `making ${change.environment} protected` : change.effect === "destroy" ? `destroying the protected environment ${change.environment}` : after?.protected !== true ? `making the protected environment ${change.environment} unprotected` : `changing the protected environment ${change.environment}`;
      await need(wasProtected ? before : after, "protected", ["spec", "protected"], "policy.protected.approve", policy.protected.approve, what);
    }

    // A new owner for an environment that exists: its owner on the base (or whoever approves it anyway) agrees.
    if (before?.owner && after?.owner && before.owner.toLowerCase() !== after.owner.toLowerCase()) {
      await need(after, "approval", ["metadata", "owner"], "metadata.owner", [...new Set(["owner", ...approvers])], `handing ${change.environment} from ${before.owner} to ${after.owner}`);
    }
  }

  findings.push(...(await quotaFindings(input.head, input.changes, config, input.costs)));
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

/** After the merge: environments per owner and per template, and what an owner's cost, against the quotas, for the owners and templates the changes touch. */
async function quotaFindings(head: RepoFiles, changes: readonly PolicyChange[], config: ResolvedConfig, costs: PolicyCosts | undefined): Promise<PolicyFinding[]> {
  const quotas = config.policy.quotas;
  if (!quotas) return [];
  const touched = await Promise.all(changes.filter((c) => c.effect === "apply").map(async (change) => ({ change, facts: await readFacts(head, change.file) })));
  if (touched.length === 0) return [];
  const templates = new Map<string, number>();
  /** Each owner's environments (owners compared case-insensitively, as GitHub does). */
  const owned = new Map<string, { environment: string; facts: DefinitionFacts }[]>();
  for (const [environment, files] of await listDefinitionFiles(head)) {
    const facts = await readFacts(head, files[0]!);
    if (facts?.owner) owned.set(facts.owner.toLowerCase(), [...(owned.get(facts.owner.toLowerCase()) ?? []), { environment, facts }]);
    if (facts?.template) templates.set(facts.template, (templates.get(facts.template) ?? 0) + 1);
  }
  const findings: PolicyFinding[] = [];
  const reported = new Set<string>();
  const environmentsOf = (owner: string) => owned.get(owner.toLowerCase()) ?? [];
  for (const { change, facts } of touched) {
    if (!facts) continue;
    if (quotas.perOwner !== undefined && facts.owner && environmentsOf(facts.owner).length > quotas.perOwner && !reported.has(`owner ${facts.owner}`)) {
      reported.add(`owner ${facts.owner}`);
      findings.push({ environment: change.environment, file: change.file, ...facts.at(["metadata", "owner"]), kind: "quota", rule: "policy.quotas.perOwner", met: false, message: `${facts.owner} would own ${environmentsOf(facts.owner).length} environments; the policy allows ${quotas.perOwner} per owner (policy.quotas.perOwner)` });
    }
    if (quotas.monthlyCostPerOwner !== undefined && costs && facts.owner && !reported.has(`cost ${facts.owner}`)) {
      reported.add(`cost ${facts.owner}`);
      const finding = await costCapFinding(change, facts, environmentsOf(facts.owner), quotas.monthlyCostPerOwner, config, costs, changes);
      if (finding) findings.push(finding);
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

/**
 * policy.quotas.monthlyCostPerOwner: what the owner's environments would cost over the next 730
 * hours after the merge, each at the price its latest plan recorded (the pull request's own plan
 * for what it changes) until it expires. A changed environment without a price yet (its plan has
 * not succeeded) holds the pull request back: the cap cannot be checked without it.
 */
async function costCapFinding(
  change: PolicyChange,
  facts: DefinitionFacts,
  environments: readonly { environment: string; facts: DefinitionFacts }[],
  cap: number,
  config: ResolvedConfig,
  costs: PolicyCosts,
  changes: readonly PolicyChange[],
): Promise<PolicyFinding | undefined> {
  const changed = new Set(changes.map((c) => c.environment));
  const prices = await costs.pricesOf(environments.map(({ environment }) => ({ environment, changed: changed.has(environment) })));
  const priced = await Promise.all(
    environments.map(async ({ environment, facts: f }) => ({
      environment,
      hourly: prices.get(environment),
      // Without ttl or expiresAt an unprotected environment gets the repository's defaultTtl.
      hours: hoursAhead({ ttlMs: f.ttlMs ?? (f.protected || f.expiresAt ? undefined : config.limits.defaultTtlMs), expiresAt: f.expiresAt }, costs.now),
    })),
  );
  const { total, unpriced } = ownerEstimate(priced);
  const at = facts.at(["metadata", "owner"]);
  const rule = "policy.quotas.monthlyCostPerOwner";
  const waiting = unpriced.filter((environment) => changed.has(environment));
  if (waiting.length > 0) {
    return { environment: change.environment, file: change.file, ...at, kind: "quota", rule, met: false, message: `the cost of ${waiting.join(", ")} is not known until its plan succeeds, so ${facts.owner}'s monthly cost cap of ${dollars(cap)} cannot be checked yet (${rule})` };
  }
  if (total <= cap) return undefined;
  return { environment: change.environment, file: change.file, ...at, kind: "quota", rule, met: false, message: `${facts.owner}'s environments would cost about ${dollars(total)} in the next 30 days; the policy allows ${dollars(cap)} per owner (${rule})` };
}

/** What parseDuration reads (the schema's duration): a definition read here has not been validated yet. */

function dollars(value: number): string {
  return `$${value.toFixed(2)}`;
}

/** The policy's facts of a definition file; undefined when there is none or it is no YAML (validation reports that). */
async function readFacts(files: RepoFiles, file: string): Promise<DefinitionFacts | undefined> {
  const content = await files.readFile(file, MAX_YAML_FILE_BYTES).catch(() => undefined);
  if (!content) return undefined;
  const parsed = parseYamlFile({ file, bytes: content.bytes, size: content.size, expected: "an environment definition" });
  if (!parsed.ok) return undefined;
  const value = parsed.value as { metadata?: { owner?: unknown }; spec?: { template?: unknown; protected?: unknown; ttl?: unknown; expiresAt?: unknown } } | null;
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const ttl = text(value?.spec?.ttl);
  const expiresAt = value?.spec?.expiresAt instanceof Date ? value.spec.expiresAt : text(value?.spec?.expiresAt) !== undefined ? new Date(text(value?.spec?.expiresAt)!) : undefined;
  return {
    owner: text(value?.metadata?.owner),
    template: text(value?.spec?.template),
    protected: value?.spec?.protected === true,
    ...(ttl !== undefined && isDuration(ttl) && { ttlMs: parseDuration(ttl) }),
    ...(expiresAt !== undefined && !Number.isNaN(expiresAt.getTime()) && { expiresAt }),
    at: (path) => parsed.locator.locate(path, "value"),
  };
}
