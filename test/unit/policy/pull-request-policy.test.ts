import { resolveConfig } from "../../../src/core/config/repository-config.js";
import type { RepoFiles } from "../../../src/core/ports/index.js";
import { evaluatePullRequestPolicy } from "../../../src/core/policy/index.js";

function files(tree: Record<string, string>): RepoFiles {
  return {
    async readFile(path) {
      const text = tree[path];
      if (text === undefined) return undefined;
      const bytes = new TextEncoder().encode(text);
      return { size: bytes.length, bytes };
    },
    async listDirectory(dir) {
      const names = Object.keys(tree).filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split("/")[0]!);
      return names.length ? [...new Set(names)] : undefined;
    },
  };
}

const definition = (name: string, template: string, options: { owner?: string; protected?: boolean } = {}) =>
  `apiVersion: envbot.dev/v1\nkind: Environment\nmetadata:\n  name: ${name}\n  owner: "${options.owner ?? "@acme/web"}"\nspec:\n  template: ${template}\n${options.protected ? "  protected: true\n" : ""}`;

const teams: Record<string, string[]> = { "acme/platform": ["paula"], "acme/dba": ["dora"], "acme/sre": ["sam"] };
const membership = { isTeamMember: async (org: string, team: string, login: string) => teams[`${org}/${team}`]?.includes(login) ?? false };
const config = resolveConfig({
  policy: {
    templates: { rds: { request: ["@acme/platform"], approve: ["@acme/dba"] } },
    protected: { approve: ["@acme/sre"] },
    quotas: { perOwner: 2, perTemplate: { rds: 1 } },
  },
});
const HEAD = "c0ffee0000000000000000000000000000000001";
/** The latest approving reviews of the pull request, all of its head commit. */
const approvedAtHead = (...logins: string[]) => ({ approvals: logins.map((login) => ({ login, commit: HEAD })), headSha: HEAD });
const addRds = { environment: "orders-db", file: "environments/orders-db.yaml", effect: "apply" as const };

test("a restricted template: a non-member may not request it; a member may, and still needs the approval it names, which an approving member gives", async () => {
  const head = files({ "environments/orders-db.yaml": definition("orders-db", "rds") });
  const outsider = await evaluatePullRequestPolicy({ changes: [addRds], head, base: files({}), config, author: "bob", ...approvedAtHead(), membership });
  expect(outsider.satisfied).toBe(false);
  expect(outsider.findings.map((f) => [f.kind, f.met, f.message, f.line, f.column])).toEqual([
    ["request", false, "@bob may not request template rds: it is for @acme/platform (policy.templates.rds.request)", 7, 13],
    ["approval", false, "changing orders-db (template rds): needs an approving review from @acme/dba (policy.templates.rds.approve)", 7, 13],
  ]);

  const member = await evaluatePullRequestPolicy({ changes: [addRds], head, base: files({}), config, author: "paula", ...approvedAtHead(), membership });
  expect(member.findings.map((f) => f.kind)).toEqual(["approval"]);
  const approved = await evaluatePullRequestPolicy({ changes: [addRds], head, base: files({}), config, author: "paula", ...approvedAtHead("bob", "dora"), membership });
  expect(approved).toEqual({ satisfied: true, findings: [expect.objectContaining({ kind: "approval", met: true, message: "changing orders-db (template rds): approved by @dora (policy.templates.rds.approve)" })] });
  // The author's own approval never counts.
  const self = await evaluatePullRequestPolicy({ changes: [addRds], head, base: files({}), config: resolveConfig({ policy: { templates: { rds: { approve: ["@acme/platform"] } } } }), author: "paula", ...approvedAtHead("paula"), membership });
  expect(self.satisfied).toBe(false);
});

test("a protected environment changed, removed or newly protected needs the protected rule's approval", async () => {
  const base = files({ "environments/ledger.yaml": definition("ledger", "sandbox", { protected: true }) });
  const change = { environment: "ledger", file: "environments/ledger.yaml", effect: "apply" as const };
  const changed = await evaluatePullRequestPolicy({ changes: [change], head: files({ "environments/ledger.yaml": `${definition("ledger", "sandbox", { protected: true })}  ttl: 24h\n` }), base, config, author: "paula", ...approvedAtHead(), membership });
  expect(changed.findings.map((f) => f.message)).toEqual(["changing the protected environment ledger: needs an approving review from @acme/sre (policy.protected.approve)"]);
  const removed = await evaluatePullRequestPolicy({ changes: [{ ...change, effect: "destroy" }], head: files({}), base, config, author: "paula", ...approvedAtHead("sam"), membership });
  expect(removed).toMatchObject({ satisfied: true, findings: [{ met: true, message: "destroying the protected environment ledger: approved by @sam (policy.protected.approve)" }] });
  const becoming = await evaluatePullRequestPolicy({ changes: [change], head: files({ "environments/ledger.yaml": definition("ledger", "sandbox", { protected: true }) }), base: files({ "environments/ledger.yaml": definition("ledger", "sandbox") }), config, author: "paula", ...approvedAtHead(), membership });
  expect(becoming.findings.map((f) => [f.message, f.line])).toEqual([["making ledger protected: needs an approving review from @acme/sre (policy.protected.approve)", 8]]);
});

test("quotas count the environments defined after the merge, per owner and per template", async () => {
  const head = files({
    "environments/a.yaml": definition("a", "sandbox"),
    "environments/b.yaml": definition("b", "sandbox"),
    "environments/c.yaml": definition("c", "sandbox"),
    "environments/d.yaml": definition("d", "sandbox", { owner: "@acme/data" }),
  });
  const report = await evaluatePullRequestPolicy({ changes: [{ environment: "c", file: "environments/c.yaml", effect: "apply" }], head, base: files({}), config, author: "paula", ...approvedAtHead(), membership });
  expect(report.findings.map((f) => [f.kind, f.message, f.line])).toEqual([["quota", "@acme/web would own 3 environments; the policy allows 2 per owner (policy.quotas.perOwner)", 5]]);
  const rds = files({ "environments/x.yaml": definition("x", "rds", { owner: "@acme/data" }), "environments/orders-db.yaml": definition("orders-db", "rds") });
  const second = await evaluatePullRequestPolicy({ changes: [addRds], head: rds, base: files({}), config, author: "paula", ...approvedAtHead("dora"), membership });
  expect(second.findings.filter((f) => !f.met).map((f) => f.message)).toEqual(["there would be 2 environments of template rds; the policy allows 1 (policy.quotas.perTemplate.rds)"]);
});

test("no rule, no finding; a policy file with mistakes blocks every change", async () => {
  const head = files({ "environments/orders-db.yaml": definition("orders-db", "rds") });
  expect(await evaluatePullRequestPolicy({ changes: [addRds], head, base: files({}), config: resolveConfig(), author: "bob", ...approvedAtHead(), membership })).toEqual({ satisfied: true, findings: [] });
  const unreadable = await evaluatePullRequestPolicy({ changes: [addRds], head, base: files({}), config: { ...resolveConfig(), unreadable: true }, author: "bob", ...approvedAtHead(), membership });
  expect(unreadable).toMatchObject({ satisfied: false, findings: [{ kind: "unreadable", file: ".github/envbot.yml" }] });
});

describe("policy.quotas.monthlyCostPerOwner", () => {
  const capped = resolveConfig({ policy: { quotas: { monthlyCostPerOwner: 50 } }, limits: { defaultTtl: "72h" } });
  const now = new Date("2026-12-01T00:00:00Z");
  const withEnd = (name: string, end: string) => `${definition(name, "sandbox")}${end}`;
  const head = files({
    "environments/lasting.yaml": withEnd("lasting", "  protected: true\n"), // 730 h
    "environments/until.yaml": withEnd("until", '  expiresAt: "2026-12-11T00:00:00Z"\n'), // 240 h
    "environments/defaulted.yaml": definition("defaulted", "sandbox"), // defaultTtl: 72 h
    "environments/other-team.yaml": definition("other-team", "sandbox", { owner: "@acme/data" }),
  });
  const adding = { environment: "defaulted", file: "environments/defaulted.yaml", effect: "apply" as const };
  const evaluate = (prices: Record<string, number>) =>
    evaluatePullRequestPolicy({ changes: [adding], head, base: files({}), config: capped, author: "paula", ...approvedAtHead(), membership, costs: { now, pricesOf: async (list) => new Map(list.flatMap(({ environment }) => (prices[environment] === undefined ? [] : [[environment, prices[environment]!] as const]))) } });

  test("each of the owner's environments counts at its price until it ends, at most 730 hours; other owners' never", async () => {
    // 730 × 0.05 + 240 × 0.05 + 72 × 0.05 = 52.10 > 50.
    const over = await evaluate({ lasting: 0.05, until: 0.05, defaulted: 0.05, "other-team": 9 });
    expect(over.satisfied).toBe(false);
    expect(over.findings).toEqual([expect.objectContaining({ environment: "defaulted", kind: "quota", rule: "policy.quotas.monthlyCostPerOwner", message: "@acme/web's environments would cost about $52.10 in the next 30 days; the policy allows $50.00 per owner (policy.quotas.monthlyCostPerOwner)" })]);
    expect(await evaluate({ lasting: 0.05, until: 0.05, defaulted: 0.02, "other-team": 9 })).toEqual({ satisfied: true, findings: [] });
  });

  test("the changed environment's price must be known (its plan succeeded); another's unknown price counts nothing", async () => {
    const waiting = await evaluate({ lasting: 0.01 });
    expect(waiting.findings).toEqual([expect.objectContaining({ met: false, message: "the cost of defaulted is not known until its plan succeeds, so @acme/web's monthly cost cap of $50.00 cannot be checked yet (policy.quotas.monthlyCostPerOwner)" })]);
    expect((await evaluate({ defaulted: 0.1 })).satisfied).toBe(true);
  });
});

describe("what a change leaves counts as much as what it reaches", () => {
  const dbGuarded = resolveConfig({ policy: { templates: { rds: { approve: ["@acme/dba"] } } } });
  const orders = { environment: "orders", file: "environments/orders.yaml", effect: "apply" as const };
  const base = files({ "environments/orders.yaml": definition("orders", "rds", { owner: "@alice" }) });

  test("moving an environment off a guarded template needs that template's approval", async () => {
    const head = files({ "environments/orders.yaml": definition("orders", "sandbox", { owner: "@alice" }) });
    const moved = await evaluatePullRequestPolicy({ changes: [orders], head, base, config: dbGuarded, author: "paula", ...approvedAtHead(), membership });
    expect(moved.findings.map((f) => [f.met, f.message])).toEqual([[false, "moving orders off template rds (to sandbox): needs an approving review from @acme/dba (policy.templates.rds.approve)"]]);
    const removed = await evaluatePullRequestPolicy({ changes: [{ ...orders, effect: "destroy" }], head: files({}), base, config: dbGuarded, author: "paula", ...approvedAtHead("dora"), membership });
    expect(removed).toMatchObject({ satisfied: true, findings: [{ met: true, message: "destroying orders (template rds): approved by @dora (policy.templates.rds.approve)" }] });
  });

  test("owner in a rule is the owner on the base; handing an environment to someone else needs that owner", async () => {
    const ownerApproves = resolveConfig({ policy: { environments: [{ name: "orders", approve: ["owner"] }] } });
    const head = files({ "environments/orders.yaml": definition("orders", "rds", { owner: "@mallory" }) });
    const byAccomplice = await evaluatePullRequestPolicy({ changes: [orders], head, base, config: ownerApproves, author: "walter", ...approvedAtHead("mallory"), membership });
    expect(byAccomplice.findings.map((f) => [f.met, f.rule])).toEqual([[false, "policy.environments[0].approve"], [false, "metadata.owner"]]);
    const byOwner = await evaluatePullRequestPolicy({ changes: [orders], head, base, config: ownerApproves, author: "walter", ...approvedAtHead("alice"), membership });
    expect(byOwner.satisfied).toBe(true);
    // A new environment has no owner on the base: its own owner is the one the rule means.
    const added = await evaluatePullRequestPolicy({ changes: [orders], head, base: files({}), config: ownerApproves, author: "walter", ...approvedAtHead("mallory"), membership });
    expect(added.satisfied).toBe(true);
  });

  test("an approval of another commit than the head is named stale and does not count", async () => {
    const head = files({ "environments/orders-db.yaml": definition("orders-db", "rds") });
    const report = await evaluatePullRequestPolicy({ changes: [addRds], head, base: files({}), config: dbGuarded, author: "paula", approvals: [{ login: "dora", commit: "abcdef1234" }], headSha: HEAD, membership });
    expect(report.findings.map((f) => [f.met, f.message])).toEqual([
      [false, "changing orders-db (template rds): needs an approving review from @acme/dba (policy.templates.rds.approve); @dora's approval is of an earlier commit (abcdef1) and went stale"],
    ]);
  });

  test("a change of the policy file needs config.approve, else protected.approve; neither set, nothing", async () => {
    const change = (config: ReturnType<typeof resolveConfig>, approvers: string[] = []) =>
      evaluatePullRequestPolicy({ changes: [], head: files({}), base: files({}), config, author: "paula", ...approvedAtHead(...approvers), configChanged: true, membership });
    expect((await change(config)).findings.map((f) => [f.file, f.rule, f.met])).toEqual([[".github/envbot.yml", "policy.protected.approve", false]]);
    expect((await change(config, ["sam"])).satisfied).toBe(true);
    const own = resolveConfig({ policy: { protected: { approve: ["@acme/sre"] }, config: { approve: ["@acme/platform"] } } });
    expect((await change(own, ["sam"])).findings.map((f) => [f.rule, f.met])).toEqual([["policy.config.approve", false]]);
    expect(await change(dbGuarded)).toEqual({ satisfied: true, findings: [] });
  });
});
