import { parse } from "yaml";
import { startControlPlaneServer, type ControlPlaneServer, type Credentials } from "../helpers/api/control-plane-server.js";
import { starterRepository } from "../helpers/fixtures.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";

// The API's actions: the same core operations and authorization as comment commands, Git the
// truth (extend, destroy and request open pull requests). GitHub is a FakeGitHub (nock).

const REPO = "octo-org/environments";
const mock = setupGitHubMock();
let api: ControlPlaneServer;
let github: FakeGitHub;
let alice: Credentials; // write
let rita: Credentials; // read

beforeEach(async () => {
  mock.before();
  github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
  github.install();
  github.permissions.set("alice", "write");
  github.permissions.set("rita", "read");
  github.commit("main", {
    ...(await starterRepository()),
    "environments/broken.yaml": "apiVersion: envbot.dev/v1\nkind: Environment\nmetadata:\n  name: broken\n  owner: '@octo-org/qa'\nspec:\n  template: no-such-template\n",
  });
  // A fixed now before the sandbox's end (2026-12-05): extend counts from that end, whatever day the suite runs.
  api = await startControlPlaneServer({ now: () => new Date("2026-12-01T00:00:00Z") });
  alice = { session: api.sessionFor("alice") };
  rita = { session: api.sessionFor("rita") };
  await api.store.upsertEnvironment({ repository: REPO, name: "sandbox", template: "sandbox", owner: "@your-org/your-team", status: "active", expiresAt: new Date("2026-12-05T00:00:00Z") });
});

afterEach(async () => {
  await api.close();
  github.uninstall();
  mock.after();
  expect(api.violations).toEqual([]);
});

const path = (name: string, action: string) => `/api/v1/environments/${REPO}/${name}/${action}`;
const auditActions = async () => (await api.store.listAudit({ limit: 50 })).map((e) => `${e.actor} ${e.action} ${e.environment ?? ""} ${e.outcome}`.replace(/ +/g, " "));

describe("a reader acting is refused (403) with the reason, and the refusal is audited", () => {
  test.each([
    ["plan", {}],
    ["unlock", {}],
    ["extend", { by: "24h" }],
    ["destroy", {}],
    ["wake", {}],
    ["revert", {}],
    ["adopt", {}],
  ])("%s", async (action, body) => {
    const answer = await api.call("POST", path("sandbox", action), { as: rita, body });
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toBe(`${action} needs write permission on ${REPO}; rita has read`);
    expect(await auditActions()).toEqual([`rita ${action} sandbox refused`]);
    expect(github.createdPullRequests).toEqual([]);
    expect(api.queued).toEqual([]);
  });

  test("request", async () => {
    const answer = await api.call("POST", `/api/v1/repositories/${REPO}/environments`, { as: rita, body: { name: "feature-x", template: "sandbox" } });
    expect(answer.status).toBe(403);
  });
});

describe("plan now", () => {
  test("queues a plan of the definition on the default branch, as data", async () => {
    const answer = await api.call("POST", path("sandbox", "plan"), { as: alice });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ repository: REPO, environment: "sandbox", queued: true, defaultBranch: "main" });
    expect(api.queued).toEqual([
      {
        key: `${REPO}:sandbox:plan`,
        final: false,
        payload: { kind: "plan-environment", installation: github.installationId, repository: REPO, defaultBranch: "main", environment: "sandbox", actor: { kind: "api", login: "alice", via: "session" } },
      },
    ]);
    expect(await auditActions()).toEqual(["alice plan sandbox queued"]);
  });

  test("an environment without a definition is a 404; an invalid definition a 409 that says why; nothing is queued", async () => {
    expect((await api.call("POST", path("nothing", "plan"), { as: alice })).status).toBe(404);
    const broken = await api.call("POST", path("broken", "plan"), { as: alice });
    expect(broken.status).toBe(409);
    expect(broken.body.detail).toContain("no-such-template");
    expect(api.queued).toEqual([]);
  });

  test("a body is refused: the action takes none", async () => {
    const answer = await api.call("POST", path("sandbox", "plan"), { as: alice, body: { force: true } });
    expect([answer.status, answer.body.errors]).toEqual([400, [{ field: "body.force", message: "this takes no body" }]]);
  });
});

describe("unlock", () => {
  test("releases the lock whoever holds it, once", async () => {
    await api.store.acquireLock(REPO, "sandbox", { kind: "pull-request", number: 12 });
    const answer = await api.call("POST", path("sandbox", "unlock"), { as: alice });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ repository: REPO, environment: "sandbox", released: { repository: REPO, environment: "sandbox", holder: { kind: "pull-request", pullRequest: 12 }, acquiredAt: expect.any(String) } });
    expect(await api.store.listLocks(REPO)).toEqual([]);
    expect((await api.call("POST", path("sandbox", "unlock"), { as: alice })).body.released).toBeNull();
    expect(await auditActions()).toEqual(["alice unlock sandbox not locked", "alice unlock sandbox released"]);
  });
});

describe("extend", () => {
  test("by 48h opens a pull request that sets expiresAt from the current end, keeping the file's comments", async () => {
    const answer = await api.call("POST", path("sandbox", "extend"), { as: alice, body: { by: "48h" } });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ pullRequest: { number: expect.any(Number), branch: expect.stringMatching(/^envbot\/extend-sandbox-\d{14}$/) }, from: "ttl 72h", to: "expires at 2026-12-07T00:00:00Z" });
    const [pr] = github.createdPullRequests;
    expect(pr).toMatchObject({ title: "Extend environment sandbox: expires at 2026-12-07T00:00:00Z", base: "main", head: answer.body.pullRequest.branch });
    expect(pr!.body).toContain("alice");
    const text = github.filesOf(pr!.head)["environments/sandbox.yaml"]!;
    expect(parse(text).spec).toMatchObject({ template: "sandbox", expiresAt: "2026-12-07T00:00:00Z" });
    expect(parse(text).spec.ttl).toBeUndefined();
    expect(text).toContain("# A first environment: it needs no cloud account");
    expect(github.filesOf("main")["environments/sandbox.yaml"]).toContain("ttl: 72h");
  });

  test("a ttl beyond the repository's maxTtl is a 400 on the field; a body with two ways is a 400 too", async () => {
    const long = await api.call("POST", path("sandbox", "extend"), { as: alice, body: { ttl: "1000h" } });
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([{ field: "body.ttl", message: expect.stringContaining("maximum ttl of 720h") }]);
    const both = await api.call("POST", path("sandbox", "extend"), { as: alice, body: { ttl: "96h", by: "1h" } });
    expect(both.body.errors).toEqual([{ field: "body", message: expect.stringContaining("exactly one") }]);
    expect((await api.call("POST", path("sandbox", "extend"), { as: alice, body: { by: "soon" } })).body.errors[0].field).toBe("body.by");
    expect((await api.call("POST", path("sandbox", "extend"), { as: alice, body: { ttl: "96h", colour: "red" } })).body.errors[0].field).toBe("body.colour");
    expect(github.createdPullRequests).toEqual([]);
  });
});

describe("wake", () => {
  // Awake on Mondays 08:00-09:00 Berlin; the fixed now (Tuesday 2026-12-01 01:00 Berlin) is asleep.
  const office = "apiVersion: envbot.dev/v1\nkind: Environment\nmetadata:\n  name: office\n  owner: '@octo-org/qa'\nspec:\n  template: sandbox\n  hibernation:\n    timeZone: Europe/Berlin\n    awake:\n      - { days: [mon], from: \"08:00\", to: \"09:00\" }\n";
  beforeEach(async () => {
    github.commit("main", { ...github.filesOf("main"), "environments/office.yaml": office });
    await api.store.upsertEnvironment({ repository: REPO, name: "office", template: "sandbox", owner: "@octo-org/qa", status: "active", firstAppliedAt: new Date("2026-11-30T07:00:00Z"), hibernatedAt: new Date("2026-11-30T08:00:00Z") });
  });

  test("a sleeping environment: a job wakes it now (202) and it stays awake for the duration", async () => {
    const answer = await api.call("POST", path("office", "wake"), { as: alice, body: { duration: "2h" } });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ repository: REPO, environment: "office", waking: true, awakeUntil: "2026-12-01T02:00:00.000Z" });
    expect(api.queued).toEqual([
      {
        key: `${REPO}:office:wake`,
        final: false,
        payload: { kind: "wake-environment", installation: github.installationId, repository: REPO, defaultBranch: "main", environment: "office", actor: { kind: "api", login: "alice", via: "session" }, until: "2026-12-01T02:00:00.000Z" },
      },
    ]);
    expect((await api.store.getEnvironment(REPO, "office"))?.awakeUntil).toEqual(new Date("2026-12-01T02:00:00Z"));
    expect(await auditActions()).toEqual(["alice wake office woken"]);
  });

  test("without a duration, until the end of its next awake window; one awake is only kept awake (200), nothing queued", async () => {
    await api.store.upsertEnvironment({ repository: REPO, name: "office", hibernatedAt: undefined });
    const answer = await api.call("POST", path("office", "wake"), { as: alice });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ repository: REPO, environment: "office", waking: false, awakeUntil: "2026-12-07T08:00:00.000Z" });
    expect(api.queued).toEqual([]);
    expect(await auditActions()).toEqual(["alice wake office kept awake"]);
  });

  test("one without awake hours is a 409 that says so; a duration not like 2h is a 400 on the field", async () => {
    const never = await api.call("POST", path("sandbox", "wake"), { as: alice });
    expect([never.status, never.body.detail]).toEqual([409, "sandbox has no awake hours (spec.hibernation, or the repository's hibernation.default): it never sleeps"]);
    const soon = await api.call("POST", path("office", "wake"), { as: alice, body: { duration: "soon" } });
    expect([soon.status, soon.body.errors[0].field]).toEqual([400, "body.duration"]);
    expect(api.queued).toEqual([]);
  });
});

describe("drift: revert and adopt", () => {
  test("each queues its job for the environment as defined on the default branch, audited; the job reports on the drift issue", async () => {
    await api.store.upsertEnvironment({ repository: REPO, name: "sandbox", firstAppliedAt: new Date("2026-11-30T00:00:00Z"), driftFingerprint: "f1" });
    for (const action of ["revert", "adopt"] as const) {
      const answer = await api.call("POST", path("sandbox", action), { as: alice });
      expect([answer.status, answer.body]).toEqual([202, { repository: REPO, environment: "sandbox", queued: true, defaultBranch: "main" }]);
    }
    const actor = { kind: "api", login: "alice", via: "session" };
    expect(api.queued).toEqual([
      { key: `${REPO}:sandbox:revert`, final: true, payload: { kind: "answer-drift", answer: "revert", installation: github.installationId, repository: REPO, defaultBranch: "main", environment: "sandbox", actor } },
      { key: `${REPO}:sandbox:adopt`, final: false, payload: { kind: "answer-drift", answer: "adopt", installation: github.installationId, repository: REPO, defaultBranch: "main", environment: "sandbox", actor } },
    ]);
    expect(await auditActions()).toEqual(["alice adopt sandbox queued", "alice revert sandbox queued"]);
  });

  test("one never applied is a 404; one asleep a 409 that says to wake it first", async () => {
    expect((await api.call("POST", path("sandbox", "revert"), { as: alice })).status).toBe(404);
    await api.store.upsertEnvironment({ repository: REPO, name: "sandbox", firstAppliedAt: new Date("2026-11-30T00:00:00Z"), hibernatedAt: new Date("2026-11-30T20:00:00Z") });
    const asleep = await api.call("POST", path("sandbox", "adopt"), { as: alice });
    expect([asleep.status, asleep.body.detail]).toEqual([409, "sandbox sleeps outside its awake hours; wake it first (/envbot wake sandbox)"]);
    expect(api.queued).toEqual([]);
  });
});

describe("destroy", () => {
  test("opens a pull request that removes the definition; an environment without one is a 404", async () => {
    const answer = await api.call("POST", path("sandbox", "destroy"), { as: alice });
    expect(answer.status).toBe(201);
    expect(answer.body.files).toEqual(["environments/sandbox.yaml"]);
    const [pr] = github.createdPullRequests;
    expect(pr!.title).toBe("Destroy environment sandbox");
    expect(github.filesOf(pr!.head)["environments/sandbox.yaml"]).toBeUndefined();
    expect((await api.call("POST", path("nothing", "destroy"), { as: alice })).status).toBe(404);
    expect(await auditActions()).toEqual([`alice destroy sandbox pull-request #${pr!.number}`]);
  });
});

describe("request a new environment", () => {
  test("the templates on the default branch come with their variables' JSON Schema", async () => {
    const answer = await api.call("GET", `/api/v1/repositories/${REPO}/templates`, { as: rita });
    expect(answer.body.items.map((t: { name: string }) => t.name)).toEqual(["sandbox", "static-site"]);
    expect(answer.body.items[0].variables.properties.replicas).toEqual({ type: "integer", description: "How many stand-in instances to record.", minimum: 1, maximum: 10, default: 1 });
  });

  test("a valid request opens a pull request that adds the definition, owned by the requester by default", async () => {
    const answer = await api.call("POST", `/api/v1/repositories/${REPO}/environments`, {
      as: alice,
      body: { name: "feature-x", template: "sandbox", ttl: "24h", labels: { "cost-center": "4711" }, variables: { greeting: "hi", replicas: 2 } },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.file).toBe("environments/feature-x.yaml");
    const [pr] = github.createdPullRequests;
    expect(pr!.title).toBe("Request environment feature-x (sandbox)");
    const text = github.filesOf(pr!.head)["environments/feature-x.yaml"]!;
    expect(text).toBe(answer.body.definition);
    expect(text.startsWith("# Requested by alice through envbot.\n")).toBe(true);
    expect(parse(text)).toEqual({
      apiVersion: "envbot.dev/v1",
      kind: "Environment",
      metadata: { name: "feature-x", owner: "@alice", labels: { "cost-center": "4711" } },
      spec: { template: "sandbox", ttl: "24h", variables: { greeting: "hi", replicas: 2 } },
    });
  });

  test("mistakes are a 400 on the request's own fields, checked by the same validator as a pull request", async () => {
    const cases: [object, string][] = [
      [{ name: "feature-x", template: "sandbox", variables: { replicas: 50 } }, "body.variables.replicas"],
      [{ name: "feature-x", template: "sandbox", variables: { colour: "red" } }, "body.variables.colour"],
      [{ name: "feature-x", template: "no-such-template" }, "body.template"],
      [{ name: "Feature_X", template: "sandbox" }, "body.name"],
      [{ name: "feature-x", template: "sandbox", owner: "not a team" }, "body.owner"],
      [{ name: "feature-x", template: "sandbox", ttl: "5 days" }, "body.ttl"],
      [{ template: "sandbox" }, "body.name"],
      [{ name: "feature-x", template: "sandbox", protected: true }, "body.protected"],
    ];
    for (const [body, field] of cases) {
      const answer = await api.call("POST", `/api/v1/repositories/${REPO}/environments`, { as: alice, body });
      expect([JSON.stringify(body), answer.status, answer.body.errors?.map((e: { field: string }) => e.field)]).toEqual([JSON.stringify(body), 400, expect.arrayContaining([field])]);
    }
    expect(github.createdPullRequests).toEqual([]);
  });

  test("a name the repository defines already is a 409", async () => {
    const answer = await api.call("POST", `/api/v1/repositories/${REPO}/environments`, { as: alice, body: { name: "sandbox", template: "sandbox" } });
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toContain("environments/sandbox.yaml");
  });
});

test("a token acts as its creator within its repositories; without write it is refused like its creator", async () => {
  const token = { token: await api.tokenFor("alice", [REPO]) };
  expect((await api.call("POST", path("sandbox", "plan"), { as: token })).status).toBe(202);
  const readerToken = { token: await api.tokenFor("rita", [REPO]) };
  expect((await api.call("POST", path("sandbox", "plan"), { as: readerToken })).status).toBe(403);
  expect((await api.store.listAudit({ limit: 5 })).map((e) => e.source)).toEqual(["api-token", "api-token"]);
});

describe("the repository's policy (.github/envbot.yml on the default branch), on top of write permission", () => {
  const withPolicy = async (policy: string) => {
    const starter = await starterRepository();
    github.commit("main", { ...starter, ".github/envbot.yml": `${starter[".github/envbot.yml"]}\npolicy:\n${policy}` });
  };

  test("an action the policy keeps for a team: refused for others with the rule named, allowed for a member", async () => {
    await withPolicy('  actions:\n    unlock: ["@octo-org/platform"]\n');
    github.teams.set("platform", new Set(["paula"]));
    github.permissions.set("paula", "write");
    const refused = await api.call("POST", path("sandbox", "unlock"), { as: alice });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe("unlock is for @octo-org/platform (policy.actions.unlock in .github/envbot.yml)");
    expect((await api.call("POST", path("sandbox", "unlock"), { as: { session: api.sessionFor("paula") } })).status).toBe(200);
    expect(await auditActions()).toEqual(["paula unlock sandbox not locked", "alice unlock sandbox refused"]);
  });

  test("owner stands for the environment's owner: a team owner's members may act", async () => {
    await withPolicy('  actions:\n    extend: ["owner"]\n');
    github.teams.set("your-team", new Set(["alice"]));
    await api.store.upsertEnvironment({ repository: REPO, name: "sandbox", owner: "@octo-org/your-team" });
    expect((await api.call("POST", path("sandbox", "extend"), { as: alice, body: { by: "24h" } })).status).toBe(201);
    github.permissions.set("walter", "write");
    const other = await api.call("POST", path("sandbox", "extend"), { as: { session: api.sessionFor("walter") }, body: { by: "24h" } });
    expect(other.body.detail).toBe("extend is for the owner (@octo-org/your-team) (policy.actions.extend in .github/envbot.yml)");
  });

  test("a template kept for a team cannot be requested by others", async () => {
    await withPolicy('  templates:\n    static-site:\n      request: ["@octo-org/web"]\n');
    const refused = await api.call("POST", `/api/v1/repositories/${REPO}/environments`, { as: alice, body: { name: "site-x", template: "static-site" } });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe("requesting template static-site is for @octo-org/web (policy.templates.static-site.request in .github/envbot.yml)");
    // (Membership answers are cached a minute: another member, not alice joining now.)
    github.teams.set("web", new Set(["wendy"]));
    github.permissions.set("wendy", "write");
    expect((await api.call("POST", `/api/v1/repositories/${REPO}/environments`, { as: { session: api.sessionFor("wendy") }, body: { name: "site-x", template: "static-site" } })).status).toBe(201);
  });

  test("a policy file with mistakes refuses what it governs instead of allowing it", async () => {
    await withPolicy('  actions:\n    unlock: ["platform-team"]\n');
    const refused = await api.call("POST", path("sandbox", "unlock"), { as: alice });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain(".github/envbot.yml on the default branch has mistakes");
  });
});

describe("an immediate destroy", () => {
  const withPolicy = async (policy: string) => {
    const starter = await starterRepository();
    github.commit("main", { ...starter, ".github/envbot.yml": `${starter[".github/envbot.yml"]}\npolicy:\n${policy}` });
  };

  test("is nobody's until the policy names who may (policy.actions.destroyNow)", async () => {
    const refused = await api.call("POST", path("sandbox", "destroy"), { as: alice, body: { immediate: true } });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe("an immediate destroy is for nobody until policy.actions.destroyNow in .github/envbot.yml names who may");
    expect(api.queued).toEqual([]);
    expect(github.createdPullRequests).toEqual([]);
    expect((await api.call("POST", path("sandbox", "destroy"), { as: alice, body: { immediate: "yes" } })).body.errors).toEqual([{ field: "body.immediate", message: "true or false" }]);
  });

  test("for whom the policy names: queued at once (never superseded), with the pull request that removes the definition", async () => {
    await withPolicy('  actions:\n    destroyNow: ["@octo-org/platform"]\n');
    github.teams.set("platform", new Set(["paula"]));
    github.permissions.set("paula", "write");
    expect((await api.call("POST", path("sandbox", "destroy"), { as: alice, body: { immediate: true } })).body.detail).toBe("an immediate destroy is for @octo-org/platform (policy.actions.destroyNow in .github/envbot.yml)");
    const answer = await api.call("POST", path("sandbox", "destroy"), { as: { session: api.sessionFor("paula") }, body: { immediate: true } });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ destroying: true, files: ["environments/sandbox.yaml"] });
    expect(api.queued).toEqual([{ key: `${REPO}:sandbox:destroy`, final: true, payload: expect.objectContaining({ kind: "destroy-environment", environment: "sandbox", defaultBranch: "main" }) }]);
    expect(github.createdPullRequests.map((p) => p.title)).toEqual(["Destroy environment sandbox"]);
  });

  test("never of a protected environment", async () => {
    await withPolicy('  actions:\n    destroyNow: ["@alice"]\n');
    await api.store.upsertEnvironment({ repository: REPO, name: "sandbox", definition: { spec: { protected: true } } });
    const refused = await api.call("POST", path("sandbox", "destroy"), { as: alice, body: { immediate: true } });
    expect(refused.body.detail).toBe("sandbox is protected: it is destroyed only by merging the removal of its definition");
  });
});
