import { domainEvent } from "../../src/core/events/domain-event.js";
import { startControlPlaneServer, type ControlPlaneServer, type Credentials } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";

// The REST API's reading side over real HTTP, each answer checked against /api/v1/openapi.json.

const REPO = "octo-org/environments";
const PRIVATE = "octo-org/payments-envs";
const mock = setupGitHubMock();
let api: ControlPlaneServer;
let github: FakeGitHub;
let payments: FakeGitHub;
let alice: Credentials; // writes REPO, cannot see PRIVATE
let rita: Credentials; // reads REPO

beforeEach(async () => {
  mock.before();
  github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
  payments = new FakeGitHub({ owner: "octo-org", repo: "payments-envs" });
  github.install();
  payments.install();
  github.permissions.set("alice", "write");
  github.permissions.set("rita", "read");
  payments.permissions.set("paula", "admin");
  api = await startControlPlaneServer();
  alice = { session: api.sessionFor("alice") };
  rita = { session: api.sessionFor("rita") };
  await seed(api);
});

afterEach(async () => {
  await api.close();
  github.uninstall();
  mock.after();
  expect(api.violations).toEqual([]);
});

/** Three environments of REPO (one drifted and locked by PR 12, one expiring), one of PRIVATE. */
async function seed({ store }: ControlPlaneServer): Promise<void> {
  const definition = { apiVersion: "envbot.dev/v1", kind: "Environment", metadata: { name: "checkout", owner: "@octo-org/payments" }, spec: { template: "static-site", ttl: "72h" } };
  await store.upsertEnvironment({ repository: REPO, name: "checkout", template: "static-site", owner: "@octo-org/payments", status: "planned", labels: { "cost-center": "4711" }, description: "Checkout preview", definition });
  const plan = await store.startRun({ repository: REPO, environment: "checkout", kind: "plan", commit: "a".repeat(40), actor: "alice" });
  await store.finishRun(plan.id, { outcome: "succeeded", summary: JSON.stringify({ environment: "checkout", mode: "normal", changes: { add: 2, change: 0, destroy: 0, replace: 0 }, hasChanges: true, resources: [{ address: "module.site.aws_s3_bucket.site", action: "create", attributes: [] }], outputs: [], drift: [] }) });
  const apply = await store.startRun({ repository: REPO, environment: "checkout", kind: "apply", commit: "b".repeat(40), actor: "alice" });
  await store.finishRun(apply.id, { outcome: "succeeded", logExcerpt: "Apply complete! Resources: 2 added" }, [domainEvent({ type: "applied", repository: REPO, environment: "checkout", actor: "alice", runId: apply.id, changes: { add: 2, change: 0, destroy: 0 } }, new Date())]);
  await store.upsertEnvironment({ repository: REPO, name: "checkout", status: "active", firstAppliedAt: new Date("2026-12-01T10:00:00Z"), expiresAt: new Date("2026-12-04T10:00:00Z"), outputs: { website_url: "http://checkout.example" }, driftFingerprint: "f1" });
  await store.acquireLock(REPO, "checkout", { kind: "pull-request", number: 12 });
  await store.upsertEnvironment({ repository: REPO, name: "search", template: "sandbox", owner: "rita", status: "active", expiresAt: new Date("2026-12-24T00:00:00Z") });
  await store.upsertEnvironment({ repository: REPO, name: "old-demo", template: "sandbox", owner: "alice", status: "destroyed" });
  await store.upsertEnvironment({ repository: PRIVATE, name: "ledger", template: "rds", owner: "@octo-org/payments", status: "active" });
  await store.startRun({ repository: PRIVATE, environment: "ledger", kind: "plan", actor: "paula" });
  // The CLI's records of a local checkout, in the same data directory: nobody's through the API.
  await store.upsertEnvironment({ repository: "/home/alice/environments", name: "checkout", template: "sandbox", owner: "@alice", status: "active" });
  await store.startRun({ repository: "/home/alice/environments", environment: "checkout", kind: "plan", actor: "cli:alice" });
  await store.recordAudit({ actor: "alice", source: "api", action: "unlock", repository: REPO, environment: "checkout", outcome: "accepted" });
  await store.recordAudit({ actor: "paula", source: "api", action: "plan", repository: PRIVATE, environment: "ledger", outcome: "accepted" });
}

describe("anonymous callers", () => {
  test("see health, readiness and the API's description, and nothing else (401 with how to authenticate)", async () => {
    expect((await api.call("GET", "/api/v1/health")).status).toBe(200);
    expect((await api.call("GET", "/api/v1/health/ready")).body).toMatchObject({ status: "ready" });
    const document = await api.call("GET", "/api/v1/openapi.json");
    expect(document.status).toBe(200);
    expect(document.body).toMatchObject({ openapi: "3.1.0" });
    for (const path of ["/api/v1/environments", `/api/v1/environments/${REPO}/checkout`, "/api/v1/runs", "/api/v1/runs/1", "/api/v1/runs/1/log", "/api/v1/runs/1/log/stream", "/api/v1/locks", "/api/v1/audit", "/api/v1/session", "/api/v1/repositories", "/api/v1/tokens"]) {
      const answer = await api.call("GET", path);
      expect([path, answer.status]).toEqual([path, 401]);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      expect(answer.headers.get("www-authenticate")).toContain("Bearer");
    }
  });

  test("a made-up token, a forged session and an unknown path are refused as such", async () => {
    expect((await api.call("GET", "/api/v1/environments", { as: { token: "envbot_not-a-real-token" } })).body.detail).toContain("not known");
    expect((await api.call("GET", "/api/v1/environments", { headers: { authorization: "Basic YWxpY2U6cHc=" } })).status).toBe(401);
    // Someone else's name in a real session's payload, and a signature of another spelling.
    const [payload, signature] = api.sessionFor("rita").cookie.split(".");
    const asAlice = Buffer.from(Buffer.from(payload!, "base64url").toString().replace('"rita"', '"alice"')).toString("base64url");
    expect((await api.call("GET", "/api/v1/environments", { as: { session: { cookie: `${asAlice}.${signature}`, csrf: "x" } } })).status).toBe(401);
    const respelt = `${payload}.${signature!.slice(0, -1)}${signature!.endsWith("A") ? "B" : "A"}`;
    expect((await api.call("GET", "/api/v1/environments", { as: { session: { cookie: respelt, csrf: "x" } } })).status).toBe(401);
    const unknown = await api.call("GET", "/api/v1/nothing-here", { as: alice });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain("openapi.json");
  });
});

describe("environments", () => {
  test("the list shows what the caller can see, with status, owner, template, expiry, drift, lock and last run", async () => {
    const answer = await api.call("GET", "/api/v1/environments", { as: alice });
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((e: { name: string }) => e.name)).toEqual(["checkout", "old-demo", "search"]);
    expect(answer.body.total).toBe(3);
    expect(answer.headers.get("server-timing")).toMatch(/^app;dur=\d+\.\d$/);
    expect(answer.body.items[0]).toMatchObject({
      repository: REPO,
      name: "checkout",
      template: "static-site",
      owner: "@octo-org/payments",
      status: "active",
      labels: { "cost-center": "4711" },
      expiresAt: "2026-12-04T10:00:00.000Z",
      drifted: true,
      lock: { holder: { kind: "pull-request", pullRequest: 12 } },
      lastRun: { kind: "apply", outcome: "succeeded", commit: "b".repeat(40) },
    });
    const paula = await api.call("GET", "/api/v1/environments", { as: { session: api.sessionFor("paula") } });
    expect(paula.body.items.map((e: { name: string }) => e.name)).toEqual(["ledger"]);
    const stranger = await api.call("GET", "/api/v1/environments", { as: { session: api.sessionFor("mallory") } });
    expect(stranger.body).toEqual({ items: [], total: 0, nextCursor: null });
  });

  test("filters: repository, owner, template, status, label, expiring before, drifted, words", async () => {
    const names = async (query: string) => (await api.call("GET", `/api/v1/environments?${query}`, { as: alice })).body.items.map((e: { name: string }) => e.name);
    expect(await names(`repository=${REPO}`)).toEqual(["checkout", "old-demo", "search"]);
    expect(await names("owner=octo-org/payments")).toEqual(["checkout"]);
    expect(await names("template=sandbox")).toEqual(["old-demo", "search"]);
    expect(await names("status=active,failed")).toEqual(["checkout", "search"]);
    expect(await names("label=cost-center=4711")).toEqual(["checkout"]);
    expect(await names("label=cost-center")).toEqual(["checkout"]);
    expect(await names("expiringBefore=2026-12-10T00:00:00Z")).toEqual(["checkout"]);
    expect(await names("drifted=true")).toEqual(["checkout"]);
    expect(await names("drifted=false")).toEqual(["old-demo", "search"]);
    expect(await names("q=preview")).toEqual(["checkout"]);
    expect(await names(`repository=${PRIVATE}`)).toEqual([]);
  });

  test("pages follow each other through nextCursor until there is none", async () => {
    const first = await api.call("GET", "/api/v1/environments?limit=2", { as: alice });
    expect(first.body.items.map((e: { name: string }) => e.name)).toEqual(["checkout", "old-demo"]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.call("GET", `/api/v1/environments?limit=2&cursor=${first.body.nextCursor}`, { as: alice });
    expect(second.body.items.map((e: { name: string }) => e.name)).toEqual(["search"]);
    expect(second.body.nextCursor).toBeNull();
  });

  test("bad filters are a 400 that names the field, never a 500", async () => {
    for (const [query, field] of [
      ["status=sleeping", "query.status"],
      ["limit=0", "query.limit"],
      ["limit=101", "query.limit"],
      ["limit=ten", "query.limit"],
      ["expiringBefore=tomorrow", "query.expiringBefore"],
      ["drifted=maybe", "query.drifted"],
      ["label==x", "query.label"],
      ["template=Not_A_Name", "query.template"],
      ["repository=../../etc", "query.repository"],
      ["cursor=bm9wZQ", "query.cursor"],
      ["colour=blue", "query.colour"],
      ["status=active&status=failed", "query.status"],
    ]) {
      const answer = await api.call("GET", `/api/v1/environments?${query}`, { as: alice });
      expect([query, answer.status, answer.body.errors?.[0]?.field]).toEqual([query, 400, field]);
    }
  });

  test("one environment: its definition, outputs, expiry, drift, lock, deployments and latest runs", async () => {
    const answer = await api.call("GET", `/api/v1/environments/${REPO}/checkout`, { as: rita });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      name: "checkout",
      description: "Checkout preview",
      definition: { spec: { template: "static-site", ttl: "72h" } },
      outputs: { website_url: "http://checkout.example" },
      drifted: true,
      lock: { holder: { pullRequest: 12 } },
      deployments: [{ effect: "apply", commit: "b".repeat(40), actor: "alice" }],
    });
    expect(answer.body.runs.map((r: { kind: string }) => r.kind)).toEqual(["apply", "plan"]);
    expect(answer.body.runs[1].plan).toEqual({ mode: "normal", changes: { add: 2, change: 0, destroy: 0, replace: 0 }, resources: [{ address: "module.site.aws_s3_bucket.site", action: "create" }], drift: [] });
  });

  test("one environment's dependencies: the outputs it takes, and who (not destroyed) takes its outputs, as last planned", async () => {
    const takes = (name: string, status: "active" | "destroyed") => ({
      repository: REPO,
      name,
      template: "sandbox",
      owner: "@octo-org/web",
      status,
      definition: { apiVersion: "envbot.dev/v1", kind: "Environment", metadata: { name, owner: "@octo-org/web" }, spec: { template: "sandbox", variables: { site_url: { fromEnvironment: "checkout", output: "website_url" }, greeting: "hi" } } },
    });
    await api.store.upsertEnvironment(takes("checkout-e2e", "active"));
    await api.store.upsertEnvironment(takes("old-e2e", "destroyed"));
    const checkout = await api.call("GET", `/api/v1/environments/${REPO}/checkout`, { as: rita });
    expect([checkout.body.upstreams, checkout.body.dependents]).toEqual([[], [{ environment: "checkout-e2e", variable: "site_url", output: "website_url" }]]);
    const dependent = await api.call("GET", `/api/v1/environments/${REPO}/checkout-e2e`, { as: rita });
    expect([dependent.body.upstreams, dependent.body.dependents]).toEqual([[{ environment: "checkout", variable: "site_url", output: "website_url" }], []]);
  });

  test("an environment that is not there, or not visible, is a 404; a bad name a 400", async () => {
    expect((await api.call("GET", `/api/v1/environments/${REPO}/nothing`, { as: alice })).status).toBe(404);
    const hidden = await api.call("GET", `/api/v1/environments/${PRIVATE}/ledger`, { as: alice });
    expect(hidden.status).toBe(404);
    expect(hidden.body.detail).not.toContain("rds");
    expect((await api.call("GET", `/api/v1/environments/${REPO}/Bad_Name`, { as: alice })).body.errors).toEqual([{ field: "path.name", message: expect.any(String) }]);
  });
});

describe("runs", () => {
  test("the list is newest first, only of visible repositories, paged; one run has its log excerpt", async () => {
    const list = await api.call("GET", "/api/v1/runs?limit=1", { as: alice });
    expect(list.body.items).toMatchObject([{ kind: "apply", environment: "checkout" }]);
    const next = await api.call("GET", `/api/v1/runs?limit=5&cursor=${list.body.nextCursor}`, { as: alice });
    expect(next.body.items).toMatchObject([{ kind: "plan", environment: "checkout" }]);
    expect(next.body.nextCursor).toBeNull();
    const one = await api.call("GET", `/api/v1/runs/${list.body.items[0].id}`, { as: alice });
    expect(one.body).toMatchObject({ kind: "apply", logExcerpt: "Apply complete! Resources: 2 added" });
    expect((await api.call("GET", "/api/v1/runs?environment=NOPE", { as: alice })).status).toBe(400);
  });

  test("a run of a repository the caller cannot see is a 404, like one that does not exist", async () => {
    const [ledgerRun] = await api.store.listRuns(PRIVATE, "ledger", 1);
    expect((await api.call("GET", `/api/v1/runs/${ledgerRun!.id}`, { as: alice })).status).toBe(404);
    expect((await api.call("GET", `/api/v1/runs/${ledgerRun!.id}/log`, { as: alice })).status).toBe(404);
    expect((await api.call("GET", "/api/v1/runs/999999", { as: alice })).status).toBe(404);
    expect((await api.call("GET", "/api/v1/runs/abc", { as: alice })).status).toBe(400);
  });

  test("a running run's log streams live as Server-Sent Events, then ends with the outcome", async () => {
    const run = await api.store.startRun({ repository: REPO, environment: "search", kind: "plan", actor: "alice" });
    await api.store.appendRunLog(run.id, ["Initializing the backend..."]);
    const session = (alice as { session: { cookie: string } }).session;
    const response = await fetch(`${api.origin}/api/v1/runs/${run.id}/log/stream`, { headers: { cookie: `envbot_session=${session.cookie}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    let received = "";
    const readUntil = async (text: string) => {
      while (!received.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before '${text}': ${received}`);
        received += new TextDecoder().decode(value);
      }
    };
    await readUntil("Initializing the backend...");
    expect(received).not.toContain("Plan: 1 to add");
    await api.store.appendRunLog(run.id, ["Plan: 1 to add, 0 to change, 0 to destroy."]);
    await readUntil("Plan: 1 to add");
    await api.store.finishRun(run.id, { outcome: "succeeded" });
    await readUntil("event: end");
    expect(received).toContain('id: 2\nevent: line\ndata: {"seq":2,"line":"Plan: 1 to add, 0 to change, 0 to destroy."}');
    expect(received).toContain('event: end\ndata: {"outcome":"succeeded","error":null}');
    expect((await reader.read()).done).toBe(true);

    const page = await api.call("GET", `/api/v1/runs/${run.id}/log?after=1`, { as: alice });
    expect(page.body).toEqual({ runId: run.id, outcome: "succeeded", lines: [{ seq: 2, line: "Plan: 1 to add, 0 to change, 0 to destroy." }], next: 2, complete: true });
  });
});

describe("locks, audit, repositories and the session", () => {
  test("locks and the audit trail show only visible repositories", async () => {
    const locks = await api.call("GET", "/api/v1/locks", { as: rita });
    expect(locks.body.items).toEqual([{ repository: REPO, environment: "checkout", holder: { kind: "pull-request", pullRequest: 12 }, acquiredAt: expect.any(String) }]);
    const audit = await api.call("GET", "/api/v1/audit", { as: rita });
    expect(audit.body.items).toMatchObject([{ actor: "alice", action: "unlock", repository: REPO, environment: "checkout" }]);
    expect((await api.call("GET", `/api/v1/audit?repository=${PRIVATE}`, { as: rita })).body.items).toEqual([]);
    expect((await api.call("GET", "/api/v1/locks?repository=nope", { as: rita })).status).toBe(400);
  });

  test("the caller's repositories carry its permission; the session carries the CSRF token", async () => {
    expect((await api.call("GET", "/api/v1/repositories", { as: rita })).body).toEqual({ items: [{ repository: REPO, permission: "read" }] });
    const session = await api.call("GET", "/api/v1/session", { as: alice });
    expect(session.body).toEqual({ login: "alice", via: "session", csrfToken: (alice as { session: { csrf: string } }).session.csrf });
  });
});
