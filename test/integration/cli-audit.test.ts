import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import type { Store } from "../../src/core/ports/index.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { starterRepository } from "../helpers/fixtures.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { runEnvbot } from "../helpers/run-cli.js";

// `envbot audit`: who did what to a repository's environments, as the store's audit trail keeps
// it, read from this machine's data directory or from a remote envbot's REST API.

const MINUTE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ";
const OTHER = "octo-org/other";

describe("on this machine", () => {
  let root: string;
  let repoDir: string;
  let repository: string;
  let dataDir: string;
  let store: Store;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "envbot-cli-audit-"));
    repoDir = path.join(root, "repo");
    dataDir = path.join(root, "data");
    await mkdir(path.join(repoDir, "environments"), { recursive: true });
    await mkdir(dataDir);
    repository = await realpath(repoDir);
    store = openSqliteStore({ file: path.join(dataDir, "envbot.db") });
  });

  afterEach(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  const envbot = (argv: string[]) => runEnvbot(argv, { cwd: repoDir, env: { PATH: process.env.PATH, HOME: root, USER: "tester", ENVBOT_DATA_DIR: dataDir } });

  /** This checkout's sandbox and search, a repository-wide entry, and another repository's sandbox. */
  async function seed(): Promise<Record<"plan" | "refused" | "token" | "apply" | "elsewhere", number>> {
    const plan = await store.recordAudit({ actor: "cli:tester", source: "cli", action: "plan", repository, environment: "sandbox", outcome: "succeeded", detail: "run 1" });
    const refused = await store.recordAudit({
      actor: "rita",
      source: "api-token",
      action: "destroy",
      repository,
      environment: "search",
      outcome: "refused",
      detail: `destroy needs write permission; rita has read ${"and more ".repeat(12)}\nsecond line`,
    });
    const token = await store.recordAudit({ actor: "alice", source: "dashboard", action: "token.create", repository, outcome: "accepted" });
    const elsewhere = await store.recordAudit({ actor: "bob", source: "pull-request", action: "apply", repository: OTHER, environment: "sandbox", outcome: "succeeded" });
    const apply = await store.recordAudit({ actor: "cli:tester", source: "cli", action: "apply", repository, environment: "sandbox", outcome: "failed", detail: "terraform apply failed" });
    return { plan: plan.id, refused: refused.id, token: token.id, apply: apply.id, elsewhere: elsewhere.id };
  }

  test("audit lists this checkout's trail, newest first, and NAME only that environment's", async () => {
    await seed();
    const all = await envbot(["audit"]);
    expect(all).toMatchObject({ code: 0, stderr: "" });
    expect(all.stdout.split("\n")).toEqual([
      `Audit trail of ${repository}, newest first:`,
      expect.stringMatching(/^TIME +ACTOR +SOURCE +ACTION +ENVIRONMENT +OUTCOME +DETAIL$/),
      expect.stringMatching(new RegExp(`^${MINUTE} +cli:tester +cli +apply +sandbox +failed +terraform apply failed$`)),
      expect.stringMatching(new RegExp(`^${MINUTE} +alice +dashboard +token\\.create +- +accepted$`)),
      // The first line of the detail, cut to 80 characters: --json has the whole of it.
      expect.stringMatching(new RegExp(`^${MINUTE} +rita +api-token +destroy +search +refused +destroy needs write permission; rita has read and more and more and more and mo…$`)),
      expect.stringMatching(new RegExp(`^${MINUTE} +cli:tester +cli +plan +sandbox +succeeded +run 1$`)),
      "",
    ]);
    expect(all.stdout.split("\n")[4]!.split(/ {2,}/).at(-1)).toHaveLength(80);

    const sandbox = await envbot(["audit", "sandbox", "--limit", "1"]);
    expect(sandbox.stdout.split("\n")).toEqual([
      `Audit trail of sandbox in ${repository}, newest first:`,
      expect.stringMatching(/^TIME +ACTOR/),
      expect.stringMatching(new RegExp(`^${MINUTE} +cli:tester +cli +apply +sandbox +failed +terraform apply failed$`)),
      "",
    ]);
    expect((await envbot(["audit", "sandbox"])).stdout).toMatch(/apply +sandbox[^\n]*\n[^\n]+plan +sandbox +succeeded +run 1\n$/);
  });

  test("--json prints the entries as the API has them; --github reads the trail the App keeps for that repository", async () => {
    const ids = await seed();
    const json = JSON.parse((await envbot(["audit", "--json"])).stdout) as { id: number }[];
    expect(json.map((entry) => entry.id)).toEqual([ids.apply, ids.token, ids.refused, ids.plan]);
    expect(json[1]).toEqual({ id: ids.token, at: expect.stringMatching(/^\d{4}-.*\.\d{3}Z$/), actor: "alice", source: "dashboard", action: "token.create", repository, environment: null, outcome: "accepted", detail: null });
    expect(json[2]).toMatchObject({ environment: "search", detail: expect.stringContaining("\nsecond line") });
    expect(JSON.parse((await envbot(["audit", "sandbox", "--github", OTHER, "--json"])).stdout)).toEqual([
      { id: ids.elsewhere, at: expect.any(String), actor: "bob", source: "pull-request", action: "apply", repository: OTHER, environment: "sandbox", outcome: "succeeded", detail: null },
    ]);
  });

  test("an empty trail says so; mistakes are usage errors; help and the command list name it", async () => {
    expect(await envbot(["audit"])).toMatchObject({ code: 0, stdout: `Nothing recorded in the audit trail of ${repository} yet.\n` });
    await seed();
    expect(await envbot(["audit", "preview"])).toMatchObject({ code: 0, stdout: `Nothing recorded in the audit trail of preview in ${repository} yet.\n` });
    expect(JSON.parse((await envbot(["audit", "preview", "--json"])).stdout)).toEqual([]);
    for (const limit of ["0", "1001", "ten"]) expect(await envbot(["audit", "--limit", limit])).toMatchObject({ code: 2, stderr: expect.stringContaining("--limit takes a whole number from 1 to 1000") });
    expect(await envbot(["audit", "Not_A_Name"])).toMatchObject({ code: 2, stderr: expect.stringContaining("'Not_A_Name' is not an environment name") });
    expect(await envbot(["audit", "sandbox", "search"])).toMatchObject({ code: 2, stderr: expect.stringContaining("expected at most one environment NAME, got 2") });
    expect(await envbot(["audit", "--repo", "nowhere"])).toMatchObject({ code: 2, stderr: expect.stringContaining("no such directory: nowhere") });
    expect((await envbot(["audit", "--help"])).stdout).toContain("Usage: envbot audit [NAME] [--limit N] [--json]");
    expect((await envbot(["--help"])).stdout).toMatch(/^ {2}audit +\S/m);
  });
});

describe("through a context", () => {
  const REPO = "octo-org/environments";
  const mock = setupGitHubMock();
  let api: ControlPlaneServer;
  let github: FakeGitHub;
  let root: string;
  let configDir: string;
  let token: string;

  beforeEach(async () => {
    mock.before();
    github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
    github.install();
    github.permissions.set("alice", "write");
    github.commit("main", await starterRepository());
    api = await startControlPlaneServer();
    root = await mkdtemp(path.join(tmpdir(), "envbot-cli-audit-remote-"));
    configDir = path.join(root, "config");
    token = await api.tokenFor("alice", [REPO]);
  });

  afterEach(async () => {
    await api.close();
    github.uninstall();
    mock.after();
    await rm(root, { recursive: true, force: true });
    expect(api.violations).toEqual([]);
  });

  const envbot = (argv: string[], env: NodeJS.ProcessEnv = {}) => runEnvbot(argv, { cwd: root, env: { ENVBOT_CONFIG_DIR: configDir, ENVBOT_TOKEN: token, ...env } });
  const addProd = async () => expect((await envbot(["context", "add", "prod", api.origin, "--repository", REPO])).code).toBe(0);

  test("audit lists the server's trail of the context's repository, newest first, as the local table does", async () => {
    const { store } = api;
    const plan = await store.recordAudit({ actor: "alice", source: "api-token", action: "plan", repository: REPO, environment: "sandbox", outcome: "queued" });
    await store.recordAudit({ actor: "mallory", source: "api-token", action: "destroy", repository: OTHER, environment: "sandbox", outcome: "refused" });
    const extend = await store.recordAudit({ actor: "rita", source: "dashboard", action: "extend", repository: REPO, environment: "search", outcome: "pull-request #12", detail: "by 48h\nuntil 2026-12-06" });
    const tokenCreated = await store.recordAudit({ actor: "alice", source: "dashboard", action: "token.create", repository: REPO, outcome: "accepted", detail: "token 1 (ci)" });
    await addProd();

    const all = await envbot(["audit", "--context", "prod"]);
    expect(all).toMatchObject({ code: 0, stderr: "" });
    expect(all.stdout.split("\n")).toEqual([
      `Audit trail of ${REPO}, newest first:`,
      expect.stringMatching(/^TIME +ACTOR +SOURCE +ACTION +ENVIRONMENT +OUTCOME +DETAIL$/),
      expect.stringMatching(new RegExp(`^${MINUTE} +alice +dashboard +token\\.create +- +accepted +token 1 \\(ci\\)$`)),
      expect.stringMatching(new RegExp(`^${MINUTE} +rita +dashboard +extend +search +pull-request #12 +by 48h$`)),
      expect.stringMatching(new RegExp(`^${MINUTE} +alice +api-token +plan +sandbox +queued$`)),
      "",
    ]);

    // The same shape as on this machine: the API's own.
    const sandbox = JSON.parse((await envbot(["audit", "sandbox", "--json"], { ENVBOT_CONTEXT: "prod" })).stdout);
    expect(sandbox).toEqual([{ id: plan.id, at: plan.at.toISOString(), actor: "alice", source: "api-token", action: "plan", repository: REPO, environment: "sandbox", outcome: "queued", detail: null }]);
    const json = JSON.parse((await envbot(["audit", "--context", "prod", "--json"])).stdout) as { id: number; detail: string | null }[];
    expect(json.map((entry) => entry.id)).toEqual([tokenCreated.id, extend.id, plan.id]);
    expect(json[1]!.detail).toBe("by 48h\nuntil 2026-12-06");

    // A repository the token is not for shows nothing, as if it had no trail.
    expect(await envbot(["audit", "--context", "prod", "--github", OTHER])).toMatchObject({ code: 0, stdout: `Nothing recorded in the audit trail of ${OTHER} yet.\n` });
  });

  test("a long trail is read page after page up to --limit", async () => {
    const recorded: number[] = [];
    for (let i = 1; i <= 130; i += 1) recorded.push((await api.store.recordAudit({ actor: "alice", source: "api-token", action: "plan", repository: REPO, environment: "sandbox", outcome: "queued", detail: `plan ${i}` })).id);
    await addProd();
    const newest = recorded.reverse();
    const limited = JSON.parse((await envbot(["audit", "--context", "prod", "--limit", "120", "--json"])).stdout) as { id: number }[];
    expect(limited.map((entry) => entry.id)).toEqual(newest.slice(0, 120));
    const every = JSON.parse((await envbot(["audit", "sandbox", "--context", "prod", "--limit", "1000", "--json"])).stdout) as { id: number }[];
    expect(every.map((entry) => entry.id)).toEqual(newest);
  });

  test("failures are printed as the other remote commands print them", async () => {
    expect((await envbot(["context", "add", "bare", api.origin])).code).toBe(0);
    expect(await envbot(["audit", "--context", "bare"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("which repository? Give --github OWNER/NAME, or add context bare again with --repository OWNER/NAME"),
    });
    expect(await envbot(["audit", "--context", "bare", "--repo", "."])).toMatchObject({ code: 2, stderr: expect.stringContaining("--repo is a local checkout") });
    const [record] = await api.store.listApiTokens("alice");
    await api.store.revokeApiToken(record!.id, "alice");
    const refused = await envbot(["audit", "--context", "bare", "--github", REPO]);
    expect(refused).toMatchObject({ code: 1, stdout: "" });
    expect(refused.stderr).toMatch(new RegExp(`^envbot audit: the server at ${api.origin} does not accept the API token of context bare`));
    expect(refused.stderr).not.toContain(token);
  });
});
