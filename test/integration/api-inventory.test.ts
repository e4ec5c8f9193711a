import type { InventoryResource } from "../../src/core/inventory/index.js";
import type { Store } from "../../src/core/ports/index.js";
import { formatResourceGraph } from "../../src/render/resource-graph.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";

// The resources environments hold, as the API shows them (one environment's inventory) and
// searches them (GET /api/v1/resources), only where the caller can read; each answer checked
// against /api/v1/openapi.json.

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
    attributes: { bucket: "checkout-site-1234", tags: { team: "storefront", "envbot:environment": "checkout" } },
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
    attributes: { domain_name: "d111111abcdef8.cloudfront.net", enabled: true },
  },
];
const LEDGER: InventoryResource[] = [
  { address: "aws_s3_bucket.ledger", type: "aws_s3_bucket", provider: AWS, cloudId: "ledger-archive", arn: "arn:aws:s3:::ledger-archive", dependsOn: [], attributes: { tags: { team: "payments" } } },
];

/** As an apply records it: the environment, and a run that finished with its inventory. */
async function applied(store: Store, repository: string, name: string, inventory: InventoryResource[]): Promise<void> {
  await store.upsertEnvironment({ repository, name, template: "static-site", owner: "@octo-org/web", status: "active" });
  const run = await store.startRun({ repository, environment: name, kind: "apply", actor: "alice" });
  await store.finishRun(run.id, { outcome: "succeeded", inventory });
}

const mock = setupGitHubMock();
let api: ControlPlaneServer;
let github: FakeGitHub;
let payments: FakeGitHub;

beforeEach(async () => {
  mock.before();
  github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
  payments = new FakeGitHub({ owner: "octo-org", repo: "payments-envs" });
  github.install();
  payments.install();
  github.permissions.set("alice", "write");
  github.permissions.set("rita", "read");
  payments.permissions.set("paula", "admin");
  payments.permissions.set("alice", "write");
  api = await startControlPlaneServer();
  await applied(api.store, REPO, "checkout", CHECKOUT);
  await applied(api.store, PRIVATE, "ledger", LEDGER);
  // Planned, never applied: known, holding nothing.
  await api.store.upsertEnvironment({ repository: REPO, name: "preview", template: "static-site", owner: "@octo-org/web", status: "planned" });
});

afterEach(async () => {
  await api.close();
  github.uninstall();
  payments.uninstall();
  mock.after();
  expect(api.violations).toEqual([]);
});

const as = (login: string) => ({ as: { session: api.sessionFor(login) } });

describe("GET /api/v1/environments/{owner}/{repo}/{name}/inventory", () => {
  test("a reader gets the resources by address, absent fields as null, with their graph", async () => {
    const answer = await api.call("GET", `/api/v1/environments/${REPO}/checkout/inventory`, as("rita"));
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((r: { address: string }) => r.address)).toEqual(["aws_cloudfront_distribution.cdn", "module.site.aws_s3_bucket.site", "module.site.aws_s3_bucket_policy.site"]);
    expect(answer.body.items[0]).toEqual({
      address: "aws_cloudfront_distribution.cdn",
      type: "aws_cloudfront_distribution",
      provider: AWS,
      module: null,
      cloudId: "E2QWRUHEXAMPLE",
      arn: CDN_ARN,
      dependsOn: ["module.site.aws_s3_bucket.site"],
      attributes: { domain_name: "d111111abcdef8.cloudfront.net", enabled: true },
    });
    expect(answer.body.items[2]).toMatchObject({ module: "module.site", arn: null, dependsOn: ["module.site.aws_s3_bucket.site"] });
    const graph = formatResourceGraph(Object.fromEntries(CHECKOUT.map((r) => [r.address, r.dependsOn])));
    expect(answer.body.graph).toBe(graph);
    expect(answer.body.graph).toContain('subgraph m1["module.site"]');
    expect(answer.body.graph).toMatch(/r0 --> r1/); // the CDN depends on the bucket

    // An API token for the repository reads it too.
    const token = await api.tokenFor("alice", [REPO]);
    expect((await api.call("GET", `/api/v1/environments/${REPO}/checkout/inventory`, { as: { token } })).body).toEqual(answer.body);
  });

  test("an environment never applied holds nothing; unknown, invisible and malformed ones are refused", async () => {
    expect((await api.call("GET", `/api/v1/environments/${REPO}/preview/inventory`, as("rita"))).body).toEqual({ items: [], graph: null });

    const unknown = await api.call("GET", `/api/v1/environments/${REPO}/nowhere/inventory`, as("rita"));
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe(`envbot has no environment nowhere in ${REPO}`);
    // Not visible is not there: a stranger, and a reader of another repository.
    const stranger = await api.call("GET", `/api/v1/environments/${REPO}/checkout/inventory`, as("mallory"));
    expect(stranger.status).toBe(404);
    expect(stranger.body.detail).toBe(`there is no environment checkout in ${REPO} that you can see`);
    expect((await api.call("GET", `/api/v1/environments/${PRIVATE}/ledger/inventory`, as("rita"))).status).toBe(404);
    const token = await api.tokenFor("alice", [REPO]);
    expect((await api.call("GET", `/api/v1/environments/${PRIVATE}/ledger/inventory`, { as: { token } })).status).toBe(404);
    expect((await api.call("GET", `/api/v1/environments/${PRIVATE}/ledger/inventory`, as("paula"))).body.items).toHaveLength(1);

    expect((await api.call("GET", `/api/v1/environments/${REPO}/Not_A_Name/inventory`, as("rita"))).body.errors).toEqual([{ field: "path.name", message: expect.any(String) }]);
    expect((await api.call("GET", `/api/v1/environments/${REPO}/checkout/inventory?graph=false`, as("rita"))).status).toBe(400);
    expect((await api.call("GET", `/api/v1/environments/${REPO}/checkout/inventory`)).status).toBe(401);
  });
});

describe("GET /api/v1/resources", () => {
  type Found = { repository: string; environment: string; matched: string; resource: { address: string } };
  const find = async (login: string, query: string) => {
    const answer = await api.call("GET", `/api/v1/resources?${query}`, as(login));
    expect(answer.status).toBe(200);
    return (answer.body.items as Found[]).map((f) => [f.repository, f.environment, f.resource.address, f.matched]);
  };

  test("finds a resource by its ARN, cloud id, type, address or an attribute's value, with what matched", async () => {
    const byArn = await api.call("GET", `/api/v1/resources?q=${encodeURIComponent(BUCKET_ARN)}`, as("rita"));
    expect(byArn.body).toEqual({
      items: [{ repository: REPO, environment: "checkout", matched: "arn", resource: { ...CHECKOUT[0], arn: BUCKET_ARN, module: "module.site" } }],
    });
    expect(await find("rita", "q=E2QWRUHEXAMPLE")).toEqual([[REPO, "checkout", "aws_cloudfront_distribution.cdn", "id"]]);
    expect(await find("rita", "q=checkout-site-1234")).toEqual([
      [REPO, "checkout", "module.site.aws_s3_bucket.site", "id"],
      [REPO, "checkout", "module.site.aws_s3_bucket_policy.site", "id"],
    ]);
    expect(await find("rita", "q=aws_s3_bucket_policy")).toEqual([[REPO, "checkout", "module.site.aws_s3_bucket_policy.site", "type"]]);
    expect(await find("rita", "q=aws_cloudfront_distribution.cdn")).toEqual([[REPO, "checkout", "aws_cloudfront_distribution.cdn", "address"]]);
    expect(await find("rita", "q=d111111abcdef8.cloudfront.net")).toEqual([[REPO, "checkout", "aws_cloudfront_distribution.cdn", "domain_name"]]);
    expect(await find("rita", "q=storefront")).toEqual([[REPO, "checkout", "module.site.aws_s3_bucket.site", "tags.team"]]);
    expect(await find("rita", `q=${encodeURIComponent("tags.team=storefront")}`)).toEqual([[REPO, "checkout", "module.site.aws_s3_bucket.site", "tags.team"]]);
    expect(await find("rita", `q=${encodeURIComponent("tags.team=payments")}`)).toEqual([]);
    expect(await find("rita", "q=nothing-like-it")).toEqual([]);
  });

  test("searches only the repositories the caller can read, one of them with repository=, at most limit", async () => {
    expect(await find("rita", "q=aws_s3_bucket")).toEqual([[REPO, "checkout", "module.site.aws_s3_bucket.site", "type"]]);
    expect(await find("paula", "q=aws_s3_bucket")).toEqual([[PRIVATE, "ledger", "aws_s3_bucket.ledger", "type"]]);
    expect(await find("mallory", "q=aws_s3_bucket")).toEqual([]);
    expect(await find("rita", `q=aws_s3_bucket&repository=${PRIVATE}`)).toEqual([]);
    // alice reads both; by repository in that order, and narrowed by repository=.
    expect(await find("alice", "q=aws_s3_bucket")).toEqual([
      [REPO, "checkout", "module.site.aws_s3_bucket.site", "type"],
      [PRIVATE, "ledger", "aws_s3_bucket.ledger", "type"],
    ]);
    expect(await find("alice", `q=aws_s3_bucket&repository=${PRIVATE}`)).toEqual([[PRIVATE, "ledger", "aws_s3_bucket.ledger", "type"]]);
    expect(await find("alice", "q=aws_s3_bucket&limit=1")).toHaveLength(1);
    // A token reaches only its repositories, though its creator reads more.
    const token = await api.tokenFor("alice", [REPO]);
    const byToken = await api.call("GET", "/api/v1/resources?q=aws_s3_bucket", { as: { token } });
    expect(byToken.body.items.map((f: Found) => f.repository)).toEqual([REPO]);
  });

  test("q is required, 1 to 512 characters; bad parameters are 400s that name them", async () => {
    const bad = async (query: string) => {
      const answer = await api.call("GET", `/api/v1/resources${query}`, as("rita"));
      expect(answer.status).toBe(400);
      return answer.body.errors.map((e: { field: string }) => e.field);
    };
    expect(await bad("")).toEqual(["query.q"]);
    expect(await bad("?q=")).toEqual(["query.q"]);
    expect(await bad(`?q=${"a".repeat(513)}`)).toEqual(["query.q"]);
    expect(await bad("?q=a&q=b")).toEqual(["query.q"]);
    expect(await bad("?q=aws_s3_bucket&limit=0")).toEqual(["query.limit"]);
    expect(await bad("?q=aws_s3_bucket&limit=101")).toEqual(["query.limit"]);
    expect(await bad("?q=aws_s3_bucket&repository=not-a-repository")).toEqual(["query.repository"]);
    expect(await bad("?q=aws_s3_bucket&environment=checkout")).toEqual(["query.environment"]);
    expect((await api.call("GET", `/api/v1/resources?q=${"a".repeat(512)}`, as("rita"))).body).toEqual({ items: [] });
    expect((await api.call("GET", "/api/v1/resources?q=aws_s3_bucket")).status).toBe(401);
  });
});

describe("GET /api/v1/orphans", () => {
  const left = (repository: string, environment: string, arn: string) => ({ environment, arn, tags: { "envbot:repository": repository, "envbot:environment": environment } });
  beforeEach(async () => {
    await api.store.recordOrphanSweep({ repository: REPO, sweptAt: new Date("2026-12-01T06:00:00Z"), region: "us-east-1", orphans: [left(REPO, "checkout", "arn:aws:s3:::checkout-left-behind")] });
    await api.store.recordOrphanSweep({ repository: PRIVATE, sweptAt: new Date("2026-12-01T06:00:00Z"), region: "us-east-1", orphans: [] });
  });

  test("what the latest sweep of each readable repository found, narrowed by repository=; never another repository's", async () => {
    const answer = await api.call("GET", "/api/v1/orphans", as("rita"));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: [{ repository: REPO, sweptAt: "2026-12-01T06:00:00.000Z", region: "us-east-1", orphans: [left(REPO, "checkout", "arn:aws:s3:::checkout-left-behind")] }] });
    expect((await api.call("GET", "/api/v1/orphans", as("alice"))).body.items.map((s: { repository: string }) => s.repository)).toEqual([REPO, PRIVATE]);
    expect((await api.call("GET", `/api/v1/orphans?repository=${PRIVATE}`, as("alice"))).body.items).toEqual([{ repository: PRIVATE, sweptAt: "2026-12-01T06:00:00.000Z", region: "us-east-1", orphans: [] }]);
    expect((await api.call("GET", `/api/v1/orphans?repository=${PRIVATE}`, as("rita"))).body).toEqual({ items: [] });
    expect((await api.call("GET", "/api/v1/orphans", as("mallory"))).body).toEqual({ items: [] });
    const token = await api.tokenFor("alice", [PRIVATE]);
    expect((await api.call("GET", "/api/v1/orphans", { as: { token } })).body.items.map((s: { repository: string }) => s.repository)).toEqual([PRIVATE]);
    expect((await api.call("GET", "/api/v1/orphans?repository=nope", as("rita"))).status).toBe(400);
    expect((await api.call("GET", "/api/v1/orphans")).status).toBe(401);
  });
});
