import { jest } from "@jest/globals";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { starterRepository } from "../helpers/fixtures.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, recordedGitHubRequests, setupGitHubMock } from "../helpers/github/github-mock.js";
import { createTestProbot } from "../helpers/github/test-probot.js";

// Who sees what through the API, and what finding it out costs GitHub: a repository the caller
// cannot read does not exist for them, a login costs no GitHub requests per repository, and a
// repository written in another case is the same repository. GitHub is FakeGitHub (nock).

const mock = setupGitHubMock();
const MINUTE = 60_000;
let clock: Date;
let api: ControlPlaneServer;
let fakes: FakeGitHub[];

beforeEach(() => {
  mock.before();
  clock = new Date("2026-12-02T12:00:00Z");
  fakes = [];
});

afterEach(async () => {
  await api?.close();
  for (const fake of fakes) fake.uninstall();
  mock.after();
  expect(api.violations).toEqual([]);
});

/** A FakeGitHub repository of octo-org, installed, with one environment envbot recorded. */
async function repository(name: string, readers: Record<string, string>, files?: Record<string, string>): Promise<FakeGitHub> {
  const fake = new FakeGitHub({ owner: "octo-org", repo: name });
  fake.install();
  for (const [login, permission] of Object.entries(readers)) fake.permissions.set(login, permission);
  fake.commit("main", files ?? (await starterRepository()));
  fakes.push(fake);
  return fake;
}

/** The GitHub requests `work` made (the App's installation token aside). */
async function requestsOf(work: () => Promise<unknown>): Promise<string[]> {
  const before = recordedGitHubRequests().length;
  await work();
  return recordedGitHubRequests()
    .slice(before)
    .filter((r) => !r.path.endsWith("/access_tokens"))
    .map((r) => `${r.method} ${r.path}`);
}

describe("what visibility costs GitHub", () => {
  const M = 4;
  const readers = ["rita", "ross", "rosa", "ruth", "rudy", "raul", "rene", "roma"];

  beforeEach(async () => {
    api = await startControlPlaneServer({ now: () => clock });
    for (let i = 1; i <= M; i += 1) {
      await repository(`envs-${i}`, Object.fromEntries(readers.map((login) => [login, "read"])));
      await api.store.upsertEnvironment({ repository: `octo-org/envs-${i}`, name: "sandbox", template: "sandbox", owner: "@octo-org/qa", status: "active" });
    }
  });

  const listAs = async (login: string) => {
    const answer = await api.call("GET", "/api/v1/environments", { as: { session: api.sessionFor(login) } });
    expect(answer.status).toBe(200);
    return answer.body.items.length as number;
  };

  test("grows with repositories, not with logins x repositories: eight readers cost what one does", async () => {
    const first = await requestsOf(() => listAs("rita"));
    expect(first.length).toBeLessThanOrEqual(3 * M); // per repository: the installation, the repository, its collaborators

    clock = new Date(clock.getTime() + MINUTE);
    const one = await requestsOf(() => listAs("rita"));
    expect(one.length).toBeLessThanOrEqual(2 * M);
    clock = new Date(clock.getTime() + MINUTE);
    const eight = await requestsOf(async () => {
      for (const login of readers) expect(await listAs(login)).toBe(M);
    });
    expect(eight.length).toBe(one.length);
    // Within the minute, more questions of the same logins cost nothing.
    expect(await requestsOf(() => Promise.all(readers.map(listAs)))).toEqual([]);
  });

  test("a login that can see nothing costs at most one request a minute, however often it asks", async () => {
    for (let minute = 0; minute < 3; minute += 1) {
      clock = new Date(clock.getTime() + MINUTE);
      await listAs("rita"); // the readers' lists, asked once this minute
      const stranger = { session: api.sessionFor("mallory") };
      const cost = await requestsOf(async () => {
        for (let i = 0; i < 5; i += 1) {
          expect(await listAs("mallory")).toBe(0);
          expect((await api.call("GET", "/api/v1/environments/octo-org/envs-1/sandbox", { as: stranger })).status).toBe(404);
          expect((await api.call("POST", "/api/v1/environments/octo-org/envs-2/sandbox/plan", { as: stranger })).status).toBe(404);
        }
      });
      expect(cost.length).toBeLessThanOrEqual(1);
    }
  });

  test("someone just given access is seen at once, without waiting for the minute; someone removed loses it within the minute", async () => {
    expect(await listAs("rita")).toBe(M);
    fakes[0]!.permissions.set("newton", "read");
    expect((await api.call("GET", "/api/v1/environments/octo-org/envs-1/sandbox", { as: { session: api.sessionFor("newton") } })).status).toBe(200);
    fakes[0]!.permissions.delete("rita");
    clock = new Date(clock.getTime() + MINUTE);
    expect(await listAs("rita")).toBe(M - 1);
  });

  test("names of repositories envbot keeps no records of cost a login one GitHub lookup a minute, whether they exist or not", async () => {
    await repository("unrecorded", { paula: "admin" }); // installed, private, no environment yet
    githubApi().get(/^\/repos\/octo-org\/nothing-\d\/installation$/i).reply(404, { message: "Not Found" }).persist();
    const mallory = { session: api.sessionFor("mallory") };
    const templates = (repo: string) => api.call("GET", `/api/v1/repositories/octo-org/${repo}/templates`, { as: mallory });
    const cost = await requestsOf(async () => {
      expect((await templates("nothing-1")).status).toBe(404);
      expect((await templates("nothing-1")).status).toBe(404); // the same name again within the minute
      const existing = await templates("unrecorded");
      const missing = await templates("nothing-2");
      expect([existing.status, existing.headers.get("retry-after")]).toEqual([429, "60"]);
      expect(JSON.stringify(existing.body)).toBe(JSON.stringify(missing.body).replaceAll("nothing-2", "unrecorded"));
    });
    expect(cost.length).toBeLessThanOrEqual(1);

    clock = new Date(clock.getTime() + MINUTE);
    const existing = await templates("unrecorded");
    clock = new Date(clock.getTime() + MINUTE);
    const missing = await templates("nothing-3");
    expect([existing.status, JSON.stringify(existing.body)]).toEqual([404, JSON.stringify(missing.body).replaceAll("nothing-3", "unrecorded")]);
    // Someone who may see it has it looked up like anyone: the lookup is one name a minute, not one repository.
    expect((await api.call("GET", "/api/v1/repositories/octo-org/unrecorded/templates", { as: { session: api.sessionFor("paula") } })).status).toBe(200);
  });

  test("a public repository is everyone's to read, collaborator or not", async () => {
    fakes[1]!.public = true;
    const answer = await api.call("GET", "/api/v1/environments", { as: { session: api.sessionFor("mallory") } });
    expect(answer.body.items.map((e: { repository: string }) => e.repository)).toEqual(["octo-org/envs-2"]);
    expect((await api.call("POST", "/api/v1/environments/octo-org/envs-2/sandbox/plan", { as: { session: api.sessionFor("mallory") } })).body.detail).toBe("plan needs write permission on octo-org/envs-2; mallory has read");
  });
});

describe("a repository the caller cannot read does not exist for them", () => {
  let logged: unknown[][];

  beforeEach(async () => {
    const probot = await createTestProbot(() => undefined, { logLevel: "fatal" });
    logged = [];
    jest.spyOn(probot.log, "info").mockImplementation(((...args: unknown[]) => void logged.push(args)) as never);
    api = await startControlPlaneServer({ probot, now: () => clock });
    await repository("environments", { alice: "write", rita: "read" });
    await api.store.upsertEnvironment({ repository: "octo-org/environments", name: "sandbox", template: "sandbox", owner: "@octo-org/qa", status: "active" });
    // GitHub has no octo-org/nothing-here: the App is installed on no such repository.
    githubApi().get(/^\/repos\/octo-org\/nothing-here\/installation$/i).reply(404, { message: "Not Found" }).persist();
  });

  const actions: [string, string, object][] = [
    ["POST", "sandbox/plan", {}],
    ["POST", "sandbox/unlock", {}],
    ["POST", "sandbox/extend", { by: "24h" }],
    ["POST", "sandbox/destroy", {}],
    ["POST", "sandbox/destroy", { immediate: true }],
    ["GET", "sandbox", undefined as never],
  ];

  test.each(actions)("%s .../%s answers as for a repository that does not exist, and leaves its audit trail alone", async (method, action, body) => {
    const mallory = { session: api.sessionFor("mallory") };
    const existing = await api.call(method, `/api/v1/environments/octo-org/environments/${action}`, { as: mallory, body });
    const missing = await api.call(method, `/api/v1/environments/octo-org/nothing-here/${action}`, { as: mallory, body });
    expect(existing.status).toBe(404);
    expect(JSON.stringify(existing.body)).toBe(JSON.stringify(missing.body).replaceAll("nothing-here", "environments"));
    expect(existing.headers.get("content-type")).toBe(missing.headers.get("content-type"));
    expect(await api.store.listAudit({ limit: 10 })).toEqual([]);
    expect(fakes[0]!.createdPullRequests).toEqual([]);
    expect(api.queued).toEqual([]);
    if (method === "POST") {
      // The refusal is the server's to know: its log has it, naming who asked.
      expect(logged).toContainEqual([expect.objectContaining({ login: "mallory", repository: "octo-org/environments" }), "refused: the caller cannot see this repository"]);
    }
  });

  test("the repository's own routes (templates, a request) answer alike", async () => {
    const mallory = { session: api.sessionFor("mallory") };
    for (const [method, route, body] of [["GET", "templates", undefined], ["POST", "environments", { name: "x", template: "sandbox" }]] as const) {
      const existing = await api.call(method, `/api/v1/repositories/octo-org/environments/${route}`, { as: mallory, body });
      const missing = await api.call(method, `/api/v1/repositories/octo-org/nothing-here/${route}`, { as: mallory, body });
      expect([existing.status, JSON.stringify(existing.body)]).toEqual([404, JSON.stringify(missing.body).replaceAll("nothing-here", "environments")]);
    }
    expect(await api.store.listAudit({ limit: 10 })).toEqual([]);
  });

  test("whoever can read but may not act is still refused with the reason (403), in the audit trail", async () => {
    const answer = await api.call("POST", "/api/v1/environments/octo-org/environments/sandbox/extend", { as: { session: api.sessionFor("rita") }, body: { by: "24h" } });
    expect([answer.status, answer.body.detail]).toEqual([403, "extend needs write permission on octo-org/environments; rita has read"]);
    expect((await api.store.listAudit({ limit: 10 })).map((e) => `${e.actor} ${e.action} ${e.outcome}`)).toEqual(["rita extend refused"]);
  });
});

describe("a repository written in another case is the same repository", () => {
  let alpha: FakeGitHub;

  beforeEach(async () => {
    api = await startControlPlaneServer({ now: () => clock });
    const starter = await starterRepository();
    // GitHub spells it octo-org/alpha; callers may write Octo-Org/Alpha.
    alpha = await repository("alpha", { alice: "write", sam: "write" }, { ...starter, ".github/envbot.yml": `${starter[".github/envbot.yml"]}\npolicy:\n  protected:\n    act: ["@octo-org/sre"]\n` });
    alpha.teams.set("sre", new Set(["sam"]));
    await api.store.upsertEnvironment({ repository: "octo-org/alpha", name: "sandbox", template: "sandbox", owner: "@octo-org/qa", status: "active", definition: { spec: { template: "sandbox", protected: true } } });
  });

  test("extending Octo-Org/Alpha's protected environment is for whom protected.act names, and finds its record", async () => {
    const path = "/api/v1/environments/Octo-Org/Alpha/sandbox/extend";
    const refused = await api.call("POST", path, { as: { session: api.sessionFor("alice") }, body: { by: "24h" } });
    expect([refused.status, refused.body.detail]).toEqual([403, "extend of a protected environment is for @octo-org/sre (policy.protected.act in .github/envbot.yml)"]);
    expect(alpha.createdPullRequests).toEqual([]);

    const allowed = await api.call("POST", path, { as: { session: api.sessionFor("sam") }, body: { by: "24h" } });
    expect(allowed.status).toBe(201);
    expect(alpha.createdPullRequests).toHaveLength(1);
    // One identity in the records: the audit trail is octo-org/alpha's.
    expect((await api.store.listAudit({ limit: 10 })).map((e) => `${e.repository} ${e.actor} ${e.outcome}`)).toEqual([
      `octo-org/alpha sam pull-request #${allowed.body.pullRequest.number}`,
      "octo-org/alpha alice refused",
    ]);

    const found = await api.call("GET", "/api/v1/environments/OCTO-ORG/alpha/sandbox", { as: { session: api.sessionFor("alice") } });
    expect([found.status, found.body.repository, found.body.name]).toEqual([200, "octo-org/alpha", "sandbox"]);
    const listed = await api.call("GET", "/api/v1/environments?repository=Octo-Org/ALPHA", { as: { session: api.sessionFor("alice") } });
    expect(listed.body.items.map((e: { repository: string }) => e.repository)).toEqual(["octo-org/alpha"]);
  });

  test("a plan asked for Octo-Org/Alpha is queued for octo-org/alpha (its records and state)", async () => {
    const answer = await api.call("POST", "/api/v1/environments/Octo-Org/Alpha/sandbox/plan", { as: { session: api.sessionFor("alice") } });
    expect(answer.status).toBe(202);
    expect(answer.body.repository).toBe("octo-org/alpha");
    expect(api.queued.map((job) => [job.key, (job.payload as { repository: string }).repository])).toEqual([["octo-org/alpha:sandbox:plan", "octo-org/alpha"]]);
  });
});
