import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { displayRepository } from "../../src/access/cli/local-repository.js";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import type { InventoryResource } from "../../src/core/inventory/index.js";
import type { Store } from "../../src/core/ports/index.js";
import { formatResourceGraph } from "../../src/render/resource-graph.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { runEnvbot } from "../helpers/run-cli.js";

// `envbot inventory` (the resources an environment holds) and `envbot find` (which environment
// holds a resource), read from this machine's data directory or from a remote envbot's REST API.

const REPO = "octo-org/environments";
const PRIVATE = "octo-org/payments-envs";
const BUCKET_ARN = "arn:aws:s3:::checkout-site-1234";
const CDN_ARN = "arn:aws:cloudfront::123456789012:distribution/E2QWRUHEXAMPLE";
const AWS = "registry.terraform.io/hashicorp/aws";

/** checkout's static site: a bucket and its policy in module.site, a CDN in the root module in front of them. */
const CHECKOUT: InventoryResource[] = [
  {
    address: "module.site.aws_s3_bucket.site",
    type: "aws_s3_bucket",
    provider: AWS,
    module: "module.site",
    cloudId: "checkout-site-1234",
    arn: BUCKET_ARN,
    dependsOn: [],
    attributes: { bucket: "checkout-site-1234", tags: { team: "storefront" } },
  },
  {
    address: "module.site.aws_s3_bucket_policy.site",
    type: "aws_s3_bucket_policy",
    provider: AWS,
    module: "module.site",
    cloudId: "checkout-site-1234",
    dependsOn: ["module.site.aws_s3_bucket.site"],
    attributes: { bucket: "checkout-site-1234" },
  },
  {
    address: "aws_cloudfront_distribution.cdn",
    type: "aws_cloudfront_distribution",
    provider: AWS,
    cloudId: "E2QWRUHEXAMPLE",
    arn: CDN_ARN,
    dependsOn: ["module.site.aws_s3_bucket.site"],
    attributes: { domain_name: "d111111abcdef8.cloudfront.net" },
  },
];
const LEDGER: InventoryResource[] = [
  { address: "aws_s3_bucket.ledger", type: "aws_s3_bucket", provider: AWS, cloudId: "ledger-archive", arn: "arn:aws:s3:::ledger-archive", dependsOn: [], attributes: { tags: { team: "payments" } } },
];
const CHECKOUT_GRAPH = formatResourceGraph(Object.fromEntries(CHECKOUT.map((r) => [r.address, r.dependsOn])));

/** As an apply records it: the environment, and a run that finished with its inventory. */
async function applied(store: Store, repository: string, name: string, inventory: InventoryResource[]): Promise<void> {
  await store.upsertEnvironment({ repository, name, template: "static-site", owner: "@octo-org/web", status: "active" });
  const run = await store.startRun({ repository, environment: name, kind: "apply", actor: "alice" });
  await store.finishRun(run.id, { outcome: "succeeded", inventory });
}

/** The table's rows, split into their cells. */
const cells = (stdout: string) => stdout.trimEnd().split("\n").slice(1).map((line) => line.split(/ {2,}/));

describe("on this machine", () => {
  let root: string;
  let repoDir: string;
  let repository: string;
  let shown: string;
  let dataDir: string;
  let store: Store;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "envbot-cli-inventory-"));
    repoDir = path.join(root, "repo");
    dataDir = path.join(root, "data");
    await mkdir(path.join(repoDir, "environments"), { recursive: true });
    await mkdir(dataDir);
    repository = await realpath(repoDir);
    shown = displayRepository(repository);
    store = openSqliteStore({ file: path.join(dataDir, "envbot.db") });
    // This checkout's checkout and preview (never applied); the App's ledger of a GitHub repository in the same data directory.
    await applied(store, repository, "checkout", CHECKOUT);
    await store.upsertEnvironment({ repository, name: "preview", template: "static-site", owner: "@octo-org/web", status: "planned" });
    await applied(store, PRIVATE, "ledger", LEDGER);
  });

  afterEach(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  const envbot = (argv: string[]) => runEnvbot(argv, { cwd: repoDir, env: { PATH: process.env.PATH, HOME: root, USER: "tester", ENVBOT_DATA_DIR: dataDir } });

  test("inventory lists the environment's resources: address, type, id, ARN and dependencies within the module", async () => {
    const listed = await envbot(["inventory", "checkout"]);
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    expect(listed.stdout.split("\n")[0]).toBe(`Resources of checkout in ${shown} (3):`);
    expect(listed.stdout.split("\n")[1]).toMatch(/^ADDRESS +TYPE +ID +ARN +DEPENDS ON$/);
    expect(cells(listed.stdout)).toEqual([
      ["ADDRESS", "TYPE", "ID", "ARN", "DEPENDS ON"],
      ["aws_cloudfront_distribution.cdn", "aws_cloudfront_distribution", "E2QWRUHEXAMPLE", CDN_ARN, "module.site.aws_s3_bucket.site"],
      ["module.site.aws_s3_bucket.site", "aws_s3_bucket", "checkout-site-1234", BUCKET_ARN, "—"],
      // In the same module, a dependency is shown by its short address; no ARN is a dash.
      ["module.site.aws_s3_bucket_policy.site", "aws_s3_bucket_policy", "checkout-site-1234", "—", "aws_s3_bucket.site"],
    ]);
    // Columns line up.
    const lines = listed.stdout.trimEnd().split("\n").slice(1);
    expect(lines.map((line) => /\S+ +\S+ +\S+ +/.exec(line)![0].length)).toEqual(lines.map(() => lines[0]!.indexOf("ARN")));

    expect(await envbot(["inventory", "preview"])).toMatchObject({ code: 0, stdout: "preview holds no resources (never applied, or destroyed).\n", stderr: "" });
  });

  test("inventory --json prints {items, graph} as the API has them; --github reads an App's environment", async () => {
    const json = JSON.parse((await envbot(["inventory", "checkout", "--json"])).stdout);
    expect(json.graph).toBe(CHECKOUT_GRAPH);
    expect(json.items.map((r: { address: string }) => r.address)).toEqual(["aws_cloudfront_distribution.cdn", "module.site.aws_s3_bucket.site", "module.site.aws_s3_bucket_policy.site"]);
    expect(json.items[0]).toEqual({
      address: "aws_cloudfront_distribution.cdn",
      type: "aws_cloudfront_distribution",
      provider: AWS,
      module: null,
      cloudId: "E2QWRUHEXAMPLE",
      arn: CDN_ARN,
      dependsOn: ["module.site.aws_s3_bucket.site"],
      attributes: { domain_name: "d111111abcdef8.cloudfront.net" },
    });
    expect(json.items[2]).toMatchObject({ module: "module.site", arn: null });
    expect(JSON.parse((await envbot(["inventory", "preview", "--json"])).stdout)).toEqual({ items: [], graph: null });

    const ledger = await envbot(["inventory", "ledger", "--github", PRIVATE]);
    expect(ledger).toMatchObject({ code: 0, stderr: "" });
    expect(ledger.stdout.split("\n")[0]).toBe(`Resources of ledger in ${PRIVATE} (1):`);
    expect(cells(ledger.stdout)[1]).toEqual(["aws_s3_bucket.ledger", "aws_s3_bucket", "ledger-archive", "arn:aws:s3:::ledger-archive", "—"]);
  });

  test("a resource's cells never carry a terminal's control characters; a dependency in another module keeps its whole address", async () => {
    await applied(store, repository, "search", [
      {
        address: "module.api.aws_lambda_function.handler",
        type: "aws_lambda_function",
        provider: AWS,
        module: "module.api",
        cloudId: "handler\u001b[2J",
        dependsOn: ["module.api.aws_iam_role.handler", "module.queue.aws_sqs_queue.jobs", "aws_kms_key.data"],
        attributes: {},
      },
    ]);
    expect(cells((await envbot(["inventory", "search"])).stdout)[1]).toEqual([
      "module.api.aws_lambda_function.handler",
      "aws_lambda_function",
      "handler?[2J",
      "—",
      "aws_iam_role.handler, module.queue.aws_sqs_queue.jobs, aws_kms_key.data",
    ]);
  });

  test("find finds the environment holding a resource by ARN, id, type, address or attribute, in this repository", async () => {
    expect(await envbot(["find", BUCKET_ARN])).toEqual({ code: 0, stdout: `${shown} checkout  module.site.aws_s3_bucket.site  (matched: arn)\n`, stderr: "", questions: [] });
    // Aligned, one match a line.
    expect((await envbot(["find", "checkout-site-1234"])).stdout).toBe(
      [`${shown} checkout  module.site.aws_s3_bucket.site         (matched: id)`, `${shown} checkout  module.site.aws_s3_bucket_policy.site  (matched: id)`, ""].join("\n"),
    );
    expect((await envbot(["find", "E2QWRUHEXAMPLE"])).stdout).toBe(`${shown} checkout  aws_cloudfront_distribution.cdn  (matched: id)\n`);
    expect((await envbot(["find", "aws_s3_bucket_policy"])).stdout).toBe(`${shown} checkout  module.site.aws_s3_bucket_policy.site  (matched: type)\n`);
    expect((await envbot(["find", "d111111abcdef8.cloudfront.net"])).stdout).toBe(`${shown} checkout  aws_cloudfront_distribution.cdn  (matched: domain_name)\n`);
    expect((await envbot(["find", "tags.team=storefront"])).stdout).toBe(`${shown} checkout  module.site.aws_s3_bucket.site  (matched: tags.team)\n`);
    expect((await envbot(["find", "storefront", "--limit", "1"])).stdout).toBe(`${shown} checkout  module.site.aws_s3_bucket.site  (matched: tags.team)\n`);
    expect((await envbot(["find", "checkout-site-1234", "--limit", "1"])).stdout.trimEnd().split("\n")).toHaveLength(1);

    // Only this repository's environments: the App's ledger is another repository's.
    expect(await envbot(["find", "ledger-archive"])).toMatchObject({ code: 0, stdout: "No resource matches ledger-archive.\n", stderr: "" });
    expect((await envbot(["find", "ledger-archive", "--github", PRIVATE])).stdout).toBe(`${PRIVATE} ledger  aws_s3_bucket.ledger  (matched: id)\n`);
    expect(await envbot(["find", "tags.team=payments"])).toMatchObject({ code: 0, stdout: "No resource matches tags.team=payments.\n" });
  });

  test("find --json prints {items} as the API has them", async () => {
    expect(JSON.parse((await envbot(["find", BUCKET_ARN, "--json"])).stdout)).toEqual({
      items: [{ repository, environment: "checkout", matched: "arn", resource: { ...CHECKOUT[0], arn: BUCKET_ARN } }],
    });
    expect(JSON.parse((await envbot(["find", "nothing-like-it", "--json"])).stdout)).toEqual({ items: [] });
  });

  test("mistakes are usage errors, an unknown environment a failure; help and the command list name both", async () => {
    expect(await envbot(["inventory", "nowhere"])).toMatchObject({ code: 1, stdout: "", stderr: `envbot inventory: envbot has no environment 'nowhere' in ${shown}; the environments there are: checkout, preview\n` });
    expect(await envbot(["inventory", "chekout"])).toMatchObject({ code: 1, stdout: "", stderr: `envbot inventory: envbot has no environment 'chekout' in ${shown}; did you mean 'checkout'?\n` });
    expect(await envbot(["inventory"])).toMatchObject({ code: 2, stderr: "envbot inventory: expected one environment NAME, got 0\nRun 'envbot inventory --help' for usage.\n" });
    expect(await envbot(["inventory", "checkout", "preview"])).toMatchObject({ code: 2, stderr: expect.stringContaining("expected one environment NAME, got 2") });
    expect(await envbot(["inventory", "Not_A_Name"])).toMatchObject({ code: 2, stderr: expect.stringContaining("'Not_A_Name' is not an environment name") });
    expect(await envbot(["inventory", "checkout", "--repo", "nowhere"])).toMatchObject({ code: 2, stderr: expect.stringContaining("no such directory: nowhere") });
    expect(await envbot(["inventory", "checkout", "--github", "not a repository"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--github takes OWNER/NAME") });

    expect(await envbot(["find"])).toMatchObject({ code: 2, stderr: "envbot find: expected one QUERY, got 0 (quote a query with spaces)\nRun 'envbot find --help' for usage.\n" });
    expect(await envbot(["find", "a", "b"])).toMatchObject({ code: 2, stderr: expect.stringContaining("expected one QUERY, got 2") });
    for (const query of ["", "a".repeat(513)]) expect(await envbot(["find", query])).toMatchObject({ code: 2, stderr: expect.stringContaining("QUERY takes 1 to 512 characters") });
    for (const limit of ["0", "101", "ten"]) expect(await envbot(["find", "x", "--limit", limit])).toMatchObject({ code: 2, stderr: expect.stringContaining(`--limit takes a whole number from 1 to 100, not '${limit}'`) });
    expect(await envbot(["find", "x", "--frobnicate"])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option --frobnicate") });

    expect(await envbot(["inventory", "--help"])).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: envbot inventory NAME [--json] [--repo DIR] [--github OWNER/NAME] [--context CONTEXT]") });
    expect(await envbot(["find", "-h"])).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: envbot find QUERY [--limit N] [--json] [--repo DIR] [--github OWNER/NAME] [--context CONTEXT]") });
    const help = (await envbot(["--help"])).stdout;
    expect(help).toMatch(/^ {2}inventory +\S/m);
    expect(help).toMatch(/^ {2}find +\S/m);
  });
});

describe("through a context", () => {
  const mock = setupGitHubMock();
  let api: ControlPlaneServer;
  let github: FakeGitHub;
  let payments: FakeGitHub;
  let root: string;
  let configDir: string;
  let token: string;

  beforeEach(async () => {
    mock.before();
    github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
    payments = new FakeGitHub({ owner: "octo-org", repo: "payments-envs" });
    github.install();
    payments.install();
    github.permissions.set("alice", "write");
    payments.permissions.set("alice", "read");
    api = await startControlPlaneServer();
    await applied(api.store, REPO, "checkout", CHECKOUT);
    await applied(api.store, PRIVATE, "ledger", LEDGER);
    root = await mkdtemp(path.join(tmpdir(), "envbot-cli-inventory-remote-"));
    configDir = path.join(root, "config");
    token = await api.tokenFor("alice", [REPO]);
  });

  afterEach(async () => {
    await api.close();
    github.uninstall();
    payments.uninstall();
    mock.after();
    await rm(root, { recursive: true, force: true });
    expect(api.violations).toEqual([]);
  });

  const envbot = (argv: string[], env: NodeJS.ProcessEnv = {}) => runEnvbot(argv, { cwd: root, env: { ENVBOT_CONFIG_DIR: configDir, ENVBOT_TOKEN: token, ...env } });
  const addProd = async () => expect((await envbot(["context", "add", "prod", api.origin, "--repository", REPO])).code).toBe(0);

  test("inventory reads the server's record of the context's repository, as the local table shows it; --json is the API's answer", async () => {
    await addProd();
    const listed = await envbot(["inventory", "checkout", "--context", "prod"]);
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    expect(listed.stdout.split("\n")[0]).toBe(`Resources of checkout in ${REPO} (3):`);
    expect(cells(listed.stdout)[3]).toEqual(["module.site.aws_s3_bucket_policy.site", "aws_s3_bucket_policy", "checkout-site-1234", "—", "aws_s3_bucket.site"]);

    const answer = await api.call("GET", `/api/v1/environments/${REPO}/checkout/inventory`, { as: { token } });
    const json = JSON.parse((await envbot(["inventory", "checkout", "--json"], { ENVBOT_CONTEXT: "prod" })).stdout);
    expect(json).toEqual(answer.body);
    expect(json.graph).toBe(CHECKOUT_GRAPH);

    // Unknown, or of a repository the token is not for: exit 1, with the environments the token may see.
    expect(await envbot(["inventory", "nowhere", "--context", "prod"])).toMatchObject({
      code: 1,
      stdout: "",
      stderr: `envbot inventory: envbot has no environment 'nowhere' in ${REPO}; the environments there are: checkout\n`,
    });
    expect(await envbot(["inventory", "ledger", "--context", "prod", "--github", PRIVATE])).toMatchObject({
      code: 1,
      stderr: `envbot inventory: envbot has no environment 'ledger' in ${PRIVATE}; it has none there that you can see\n`,
    });
    expect(await envbot(["inventory", "checkout", "--context", "prod", "--repo", "."])).toMatchObject({ code: 2, stderr: expect.stringContaining("--repo is a local checkout") });
  });

  test("find searches every repository the token may read, or only --github's", async () => {
    await addProd();
    // The token is for REPO only: PRIVATE's bucket, which alice could read, is not its to find.
    expect(await envbot(["find", "aws_s3_bucket", "--context", "prod"])).toMatchObject({ code: 0, stdout: `${REPO} checkout  module.site.aws_s3_bucket.site  (matched: type)\n`, stderr: "" });
    expect(await envbot(["find", "ledger-archive", "--context", "prod"])).toMatchObject({ code: 0, stdout: "No resource matches ledger-archive.\n" });

    const wide = await api.tokenFor("alice", [REPO, PRIVATE]);
    expect((await envbot(["context", "add", "wide", api.origin, "--repository", REPO], { ENVBOT_TOKEN: wide })).code).toBe(0);
    // Not only the context's repository: every one the token may read, by repository.
    expect((await envbot(["find", "aws_s3_bucket"], { ENVBOT_CONTEXT: "wide" })).stdout).toBe(
      [`${REPO} checkout  module.site.aws_s3_bucket.site  (matched: type)`, `${PRIVATE} ledger   aws_s3_bucket.ledger            (matched: type)`, ""].join("\n"),
    );
    expect((await envbot(["find", "aws_s3_bucket", "--context", "wide", "--github", PRIVATE])).stdout).toBe(`${PRIVATE} ledger  aws_s3_bucket.ledger  (matched: type)\n`);
    expect((await envbot(["find", "aws_s3_bucket", "--context", "wide", "--limit", "1"])).stdout).toBe(`${REPO} checkout  module.site.aws_s3_bucket.site  (matched: type)\n`);

    const answer = await api.call("GET", `/api/v1/resources?q=${encodeURIComponent(BUCKET_ARN)}`, { as: { token } });
    expect(JSON.parse((await envbot(["find", BUCKET_ARN, "--json", "--context", "prod"])).stdout)).toEqual(answer.body);
    expect(answer.body.items).toHaveLength(1);

    expect(await envbot(["find", "x", "--context", "prod", "--repo", "."])).toMatchObject({ code: 2, stderr: expect.stringContaining("--repo is a local checkout") });
  });

  test("a refused token is printed as the other remote commands print it", async () => {
    await addProd();
    const [record] = await api.store.listApiTokens("alice");
    await api.store.revokeApiToken(record!.id, "alice");
    for (const [command, ...rest] of [["inventory", "checkout"], ["find", "aws_s3_bucket"]]) {
      const refused = await envbot([command!, ...rest, "--context", "prod"]);
      expect(refused).toMatchObject({ code: 1, stdout: "" });
      expect(refused.stderr).toMatch(new RegExp(`^envbot ${command}: the server at ${api.origin} does not accept the API token of context prod`));
      expect(refused.stderr).not.toContain(token);
    }
  });
});
