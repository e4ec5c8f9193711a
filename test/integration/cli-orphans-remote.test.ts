import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { runEnvbot } from "../helpers/run-cli.js";

// `envbot orphans --context`: what a remote envbot's latest orphan sweeps found (GET
// /api/v1/orphans), per repository the token may read, as of when each ran; no AWS credentials
// on this machine. A repository never swept says so.

const REPO = "octo-org/environments";
const PRIVATE = "octo-org/payments-envs";
const UNSWEPT = "octo-org/sandbox-envs";
/** Swept, with something left behind, but alice cannot read it. */
const SECRET = "octo-org/secret-envs";

const left = (repository: string, environment: string, arn: string) => ({ environment, arn, tags: { "envbot:repository": repository, "envbot:environment": environment, team: "web" } });
const CHECKOUT_LEFT = left(REPO, "checkout", "arn:aws:s3:::checkout-left-behind");
const SEARCH_LEFT = left(REPO, "search", "arn:aws:sqs:us-east-1:123456789012:search-jobs");

const mock = setupGitHubMock();
let api: ControlPlaneServer;
let fakes: FakeGitHub[];
let root: string;
let configDir: string;
let token: string;

beforeEach(async () => {
  mock.before();
  fakes = [REPO, PRIVATE, UNSWEPT, SECRET].map((repository) => {
    const [owner, repo] = repository.split("/") as [string, string];
    const fake = new FakeGitHub({ owner, repo });
    fake.install();
    if (repository !== SECRET) fake.permissions.set("alice", "read");
    return fake;
  });
  api = await startControlPlaneServer();
  for (const [repository, name] of [[REPO, "checkout"], [REPO, "search"], [PRIVATE, "ledger"], [UNSWEPT, "sandbox"], [SECRET, "vault"]] as const) {
    await api.store.upsertEnvironment({ repository, name, template: "static-site", owner: "@octo-org/web", status: "active" });
  }
  // An earlier sweep of REPO found nothing; the latest counts.
  await api.store.recordOrphanSweep({ repository: REPO, sweptAt: new Date("2026-11-30T06:00:00Z"), region: "us-east-1", orphans: [] });
  await api.store.recordOrphanSweep({ repository: REPO, sweptAt: new Date("2026-12-01T06:00:00Z"), region: "us-east-1", orphans: [CHECKOUT_LEFT, SEARCH_LEFT] });
  await api.store.recordOrphanSweep({ repository: PRIVATE, sweptAt: new Date("2026-12-01T07:30:00Z"), region: "eu-west-1", orphans: [] });
  await api.store.recordOrphanSweep({ repository: SECRET, sweptAt: new Date("2026-12-01T06:00:00Z"), region: "us-east-1", orphans: [left(SECRET, "vault", "arn:aws:s3:::vault-left-behind")] });
  root = await mkdtemp(path.join(tmpdir(), "envbot-cli-orphans-remote-"));
  configDir = path.join(root, "config");
  token = await api.tokenFor("alice", [REPO, PRIVATE, UNSWEPT, SECRET]);
});

afterEach(async () => {
  await api.close();
  for (const fake of fakes) fake.uninstall();
  mock.after();
  await rm(root, { recursive: true, force: true });
  expect(api.violations).toEqual([]);
});

// No AWS credentials and no data directory: whatever it prints comes from the server.
const envbot = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  runEnvbot(argv, { cwd: root, env: { ENVBOT_CONFIG_DIR: configDir, ENVBOT_TOKEN: token, ENVBOT_DATA_DIR: path.join(root, "data"), ...env } });
const addProd = async () => expect((await envbot(["context", "add", "prod", api.origin, "--repository", REPO])).code).toBe(0);

const FOUND = [
  `${REPO}, as of its latest orphan sweep (2026-12-01 06:00 UTC):`,
  `2 resources tagged for ${REPO} in us-east-1 but in no environment's state:`,
  "  checkout  arn:aws:s3:::checkout-left-behind",
  "  search    arn:aws:sqs:us-east-1:123456789012:search-jobs",
  "envbot deletes nothing it does not hold in a state: check each one, then delete it or import it into its environment.",
].join("\n");
const CLEAN = [`${PRIVATE}, as of its latest orphan sweep (2026-12-01 07:30 UTC):`, `Nothing left behind: every resource tagged for ${PRIVATE} in eu-west-1 is in an environment's state.`].join("\n");
const NEVER = `No orphan sweep has run for ${UNSWEPT}: set schedules.orphans in .github/envbot.yml.`;

test("every repository the token may read, by repository: what its latest sweep found and when, or that none has run; exit 1 while something is left behind", async () => {
  await addProd();
  expect(await envbot(["orphans", "--context", "prod"])).toMatchObject({ code: 1, stdout: `${[FOUND, CLEAN, NEVER].join("\n\n")}\n`, stderr: "" });
  // The same through ENVBOT_CONTEXT.
  expect(await envbot(["orphans"], { ENVBOT_CONTEXT: "prod" })).toMatchObject({ code: 1, stdout: `${[FOUND, CLEAN, NEVER].join("\n\n")}\n` });
});

test("--github narrows to one repository: found (exit 1), none left (exit 0), never swept (exit 0)", async () => {
  await addProd();
  expect(await envbot(["orphans", "--context", "prod", "--github", REPO])).toMatchObject({ code: 1, stdout: `${FOUND}\n`, stderr: "" });
  expect(await envbot(["orphans", "--context", "prod", "--github", PRIVATE])).toMatchObject({ code: 0, stdout: `${CLEAN}\n`, stderr: "" });
  expect(await envbot(["orphans", "--context", "prod", "--github", UNSWEPT])).toMatchObject({ code: 0, stdout: `${NEVER}\n`, stderr: "" });
});

test("only what the token may read: another repository's orphans neither show nor fail the command", async () => {
  await addProd();
  const narrow = await api.tokenFor("alice", [PRIVATE, UNSWEPT]);
  expect((await envbot(["context", "add", "narrow", api.origin], { ENVBOT_TOKEN: narrow })).code).toBe(0);
  expect(await envbot(["orphans", "--context", "narrow"])).toMatchObject({ code: 0, stdout: `${[CLEAN, NEVER].join("\n\n")}\n`, stderr: "" });
  // SECRET's sweep found something, but alice cannot read SECRET even with a token for it.
  expect(await envbot(["orphans", "--context", "prod", "--github", SECRET])).toMatchObject({
    code: 0,
    stdout: `No orphan sweep has run for ${SECRET}: set schedules.orphans in .github/envbot.yml.\n`,
  });

  const none = await api.tokenFor("rita", [REPO]);
  expect((await envbot(["context", "add", "stranger", api.origin], { ENVBOT_TOKEN: none })).code).toBe(0);
  expect(await envbot(["orphans", "--context", "stranger"])).toMatchObject({
    code: 0,
    stdout: "No orphan sweep has run for a repository you can read: set schedules.orphans in a repository's .github/envbot.yml.\n",
  });
});

test("--json prints {items} as the API has them", async () => {
  await addProd();
  const answer = await api.call("GET", "/api/v1/orphans", { as: { token } });
  const json = await envbot(["orphans", "--json", "--context", "prod"]);
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout)).toEqual(answer.body);
  expect(answer.body.items).toEqual([
    { repository: REPO, sweptAt: "2026-12-01T06:00:00.000Z", region: "us-east-1", orphans: [CHECKOUT_LEFT, SEARCH_LEFT] },
    { repository: PRIVATE, sweptAt: "2026-12-01T07:30:00.000Z", region: "eu-west-1", orphans: [] },
  ]);
  expect(await envbot(["orphans", "--json", "--context", "prod", "--github", PRIVATE])).toMatchObject({ code: 0, stdout: `${JSON.stringify({ items: [answer.body.items[1]] }, null, 2)}\n` });
});

test("--repo is a local checkout, a refused token exit 1; the usage names --context", async () => {
  await addProd();
  expect(await envbot(["orphans", "--context", "prod", "--repo", "."])).toMatchObject({ code: 2, stderr: expect.stringContaining("--repo is a local checkout") });
  expect(await envbot(["orphans", "--context", "prod", "--github", "not a repository"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--github takes OWNER/NAME") });
  const [record] = (await api.store.listApiTokens("alice")).filter((t) => t.repositories.length === 4);
  await api.store.revokeApiToken(record!.id, "alice");
  const refused = await envbot(["orphans", "--context", "prod"]);
  expect(refused).toMatchObject({ code: 1, stdout: "" });
  expect(refused.stderr).toMatch(new RegExp(`^envbot orphans: the server at ${api.origin} does not accept the API token of context prod`));
  expect((await envbot(["orphans", "--help"])).stdout).toContain("envbot orphans --context CONTEXT [--github OWNER/NAME] [--json]");
});
