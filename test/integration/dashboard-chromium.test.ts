import { jest } from "@jest/globals";
import { copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { openKeptDatabase } from "../../src/adapters/store/sqlite/kept-database.js";
import { inventoryView } from "../../src/render/inventory-text.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { eventually, launchBrowser, seriousAccessibilityViolations } from "../helpers/browser.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { projectRoot } from "../helpers/fixtures.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// The dashboard in a real headless Chromium, served by envbot's own HTTP server over the App's
// store and queue (real terraform); GitHub (its API and the OAuth pages) stubbed.
jest.setTimeout(180_000);

const mock = setupGitHubMock();
const signIn = { clientId: "Iv1.dashboard", clientSecret: "dashboard-secret", webUrl: "https://github.com", apiUrl: "https://api.github.com" };
let browser: Browser;
let app: AppHarness;
let api: ControlPlaneServer;
let context: BrowserContext;
let page: Page;
let repository: string;
let shots: string;

beforeAll(async () => {
  browser = await launchBrowser();
  shots = await mkdtemp(path.join(tmpdir(), "envbot-screenshots-"));
});
afterAll(async () => {
  await browser?.close();
  // ENVBOT_UPDATE_SCREENSHOTS=1 refreshes the pictures in docs/ from this run.
  if (process.env.ENVBOT_UPDATE_SCREENSHOTS) {
    await mkdir(path.join(projectRoot, "docs", "screenshots"), { recursive: true });
    for (const name of ["environments", "environment", "run-log", "request", "environments-phone", "cost"]) {
      await copyFile(path.join(shots, `${name}.png`), path.join(projectRoot, "docs", "screenshots", `${name}.png`)).catch(() => undefined);
    }
  }
});

beforeEach(async () => {
  mock.before();
  app = await createAppHarness();
  app.github.install();
  app.github.permissions.set("alice", "write");
  app.github.commit("main", await starterRepository());
  repository = app.github.fullName;
  api = await startControlPlaneServer({ store: app.services.engine.store, queue: app.services.queue, probot: app.probot, signIn });
  await seed();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // A wait is for its event (a dialog, a drawn graph), however long a busy machine takes; the test's own timeout catches a hang.
  context.setDefaultTimeout(0);
  page = await context.newPage();
  // GitHub's sign-in page, as the browser sees it: it sends the person straight back with a code.
  await page.route("https://github.com/login/oauth/authorize**", async (route) => {
    const url = new URL(route.request().url());
    const back = new URL(url.searchParams.get("redirect_uri")!);
    back.searchParams.set("code", "browser-code");
    back.searchParams.set("state", url.searchParams.get("state")!);
    await route.fulfill({ status: 302, headers: { location: back.href } });
  });
  nock("https://github.com").post("/login/oauth/access_token").reply(200, { access_token: "gho_browser", token_type: "bearer", scope: "" });
  githubApi().get("/user").reply(200, { login: "alice", id: 1, type: "User" });
});

afterEach(async () => {
  await context.close();
  await api.close();
  app.github.uninstall();
  await app.cleanup();
  mock.after();
  expect(api.violations).toEqual([]);
});

/** Environments in several states, so the table has something to show. */
async function seed(): Promise<void> {
  const { store } = api;
  const now = Date.now();
  await store.upsertEnvironment({ repository, name: "checkout-preview", template: "static-site", owner: "@octo-org/payments", status: "active", description: "Preview of the checkout service", labels: { "cost-center": "4711" }, firstAppliedAt: new Date(now - 20 * 3600_000), expiresAt: new Date(now + 52 * 3600_000), outputs: { url: "http://checkout-preview.example" }, driftFingerprint: "d1" });
  const run = await store.startRun({ repository, environment: "checkout-preview", kind: "apply", commit: "c0ffee0".padEnd(40, "0"), actor: "alice" });
  await store.finishRun(run.id, { outcome: "succeeded", summary: JSON.stringify({ environment: "checkout-preview", mode: "normal", changes: { add: 3, change: 0, destroy: 0, replace: 0 }, hasChanges: true, resources: [{ address: "module.site.aws_s3_bucket.site", action: "create", attributes: [] }, { address: "module.site.aws_s3_bucket_website_configuration.site", action: "create", attributes: [] }, { address: "module.site.aws_s3_object.index", action: "create", attributes: [] }], outputs: [], drift: [] }) });
  await store.upsertEnvironment({ repository, name: "search-load-test", template: "sandbox", owner: "@alice", status: "expiring", expiresAt: new Date(now + 3 * 3600_000) });
  await store.acquireLock(repository, "search-load-test", { kind: "pull-request", number: 42 });
  await store.upsertEnvironment({ repository, name: "ledger-demo", template: "sandbox", owner: "@octo-org/ledger", status: "failed" });
  await store.upsertEnvironment({ repository, name: "old-demo", template: "sandbox", owner: "@bob", status: "destroyed" });
}

/** A page built from data must never show JavaScript's own words for missing or odd values. */
async function expectNoStrayValues(on: Page): Promise<void> {
  expect(await on.locator("main").innerText()).not.toMatch(/\bnull\b|\bundefined\b|\[object |NaN/);
}

async function signInAs(): Promise<void> {
  await page.goto(api.origin);
  await page.getByRole("link", { name: "Sign in with GitHub" }).click();
  await page.getByText("Signed in as alice").waitFor();
}

test("signing in through GitHub, listing, filtering and opening an environment; the pages have no serious accessibility violations", async () => {
  await page.goto(api.origin);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await signInAs();

  const rows = page.locator("#environments tbody tr");
  await eventually(async () => expect(await rows.count()).toBe(4));
  const checkout = page.locator('tr[data-environment$="/checkout-preview"]');
  await eventually(async () => expect(await checkout.innerText()).toMatch(/checkout-preview[\s\S]*active[\s\S]*@octo-org\/payments[\s\S]*static-site[\s\S]*in 2d (3h|4h)/));
  expect(await checkout.getByText("drifted").count()).toBe(1);
  expect(await page.locator('tr[data-environment$="/search-load-test"]').getByText("locked by #42").count()).toBe(1);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await expectNoStrayValues(page);
  await page.screenshot({ path: path.join(shots, "environments.png"), fullPage: true });

  await page.getByLabel("Status").selectOption("failed");
  await eventually(async () => expect(await rows.count()).toBe(1));
  expect(await rows.first().innerText()).toContain("ledger-demo");
  expect(new URL(page.url()).search).toBe("?status=failed");
  await page.getByLabel("Status").selectOption("");
  await page.getByLabel("Search").fill("checkout");
  await eventually(async () => expect(await rows.count()).toBe(1));

  await page.getByRole("link", { name: "checkout-preview" }).click();
  await page.getByRole("heading", { level: 1, name: /checkout-preview/ }).waitFor();
  expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("checkout-preview active drifted");
  expect(await page.locator("dl.facts").innerText()).toMatch(/Owner\s+@octo-org\/payments/);
  expect(await page.getByRole("link", { name: "http://checkout-preview.example" }).count()).toBe(1);
  expect(await page.locator("#timeline").innerText()).toMatch(/apply[\s\S]*succeeded[\s\S]*by alice[\s\S]*c0ffee0[\s\S]*\+3 ~0 -0/);
  expect(await page.getByText("module.site.aws_s3_bucket_website_configuration.site").count()).toBe(1);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await expectNoStrayValues(page);
  await page.screenshot({ path: path.join(shots, "environment.png"), fullPage: true });
});

/**
 * A template whose resources depend on each other (terraform_data needs no provider): a network,
 * a database on it, two services (for_each: quotes in their addresses) and a module's cache node.
 */
const LAYERED_TEMPLATE = {
  "templates/layered/template.yaml": "apiVersion: envbot.dev/v1\nkind: Template\nname: layered\ndescription: Resources that depend on each other.\n",
  "templates/layered/main.tf": `resource "terraform_data" "network" {
  input = "10.0.0.0/16"
}

resource "terraform_data" "database" {
  input = { network = terraform_data.network.output }
}

resource "terraform_data" "service" {
  for_each = toset(["api", "web"])
  input    = { database = terraform_data.database.output, name = each.key }
}

module "cache" {
  source  = "./cache"
  network = terraform_data.network.output
}
`,
  "templates/layered/cache/main.tf": `variable "network" {
  type = string
}

resource "terraform_data" "node" {
  input = var.network
}
`,
};

test("the environment page lists the resources of the last apply and draws their graph with Mermaid, without breaking the CSP", async () => {
  // What Chromium says when the CSP refuses something (an inline style, an eval), and errors.
  const refusedOrFailed: string[] = [];
  page.on("console", (message) => void (message.text().includes("Content Security Policy") && refusedOrFailed.push(message.text())));
  page.on("pageerror", (error) => refusedOrFailed.push(`page error: ${error.message}`));
  const mermaidRequests: string[] = [];
  page.on("request", (request) => void (request.url().endsWith("/mermaid.min.js") && mermaidRequests.push(request.url())));

  // A merged pull request adds the environment: the App applies it with the real terraform.
  const main0 = await starterRepository();
  const merged = { ...main0, ...LAYERED_TEMPLATE, "environments/layered.yaml": definitionYaml("layered", "layered", "  ttl: 24h\n") };
  app.github.commit(sha("main0"), main0);
  app.github.commit(sha("head1"), merged);
  app.github.commit(sha("main1"), merged);
  app.github.commit("main", merged);
  app.github.pullRequests.set(1, { number: 1, headSha: sha("head1"), baseSha: sha("main0"), author: "alice", files: [{ filename: "environments/layered.yaml", status: "added" }, ...Object.keys(LAYERED_TEMPLATE).map((filename) => ({ filename, status: "added" }))] });
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("main1"), number: 1, headSha: sha("head1"), baseSha: sha("main0"), author: "alice" }));
  const inventory = inventoryView(await app.services.engine.store.listInventory(repository, "layered"));
  const addresses = inventory.items.map((r) => r.address);
  // envbot calls the template as module.environment.
  expect(addresses).toEqual(["module.environment.module.cache.terraform_data.node", "module.environment.terraform_data.database", "module.environment.terraform_data.network", 'module.environment.terraform_data.service["api"]', 'module.environment.terraform_data.service["web"]']);
  const dependencies = inventory.items.flatMap((r) => r.dependsOn);
  expect(dependencies).toContain("module.environment.terraform_data.network");

  // An environment never applied: the empty state, and Mermaid is not loaded.
  await signInAs();
  await page.goto(`${api.origin}/environments/${repository}/checkout-preview`);
  await page.getByText("No resources recorded yet: the inventory is taken after each apply.").waitFor();
  expect(mermaidRequests).toEqual([]);

  await page.goto(`${api.origin}/environments/${repository}/layered`);
  await page.getByRole("heading", { level: 1, name: /layered/ }).waitFor();
  const rows = page.locator("#resources tbody tr");
  await eventually(async () => expect(await rows.count()).toBe(addresses.length));
  expect(await page.locator("#resources tbody th").allInnerTexts()).toEqual(addresses);
  expect(await page.locator('#resources tr[data-address="module.environment.terraform_data.database"]').innerText()).toMatch(/^module\.environment\.terraform_data\.database\s+terraform_data\s+[0-9a-f-]{36}\s+module\.environment\s+module\.environment\.terraform_data\.network$/);
  expect(await page.locator('#resources tr[data-address="module.environment.module.cache.terraform_data.node"] td[data-label="Module"]').innerText()).toBe("module.environment.module.cache");

  const graph = page.locator("#resource-graph img");
  await graph.waitFor();
  expect(dependencies).toHaveLength(6);
  expect(await graph.getAttribute("alt")).toBe("Resource graph: 5 resources, 6 dependencies");
  const size = await graph.evaluate((img) => [(img as unknown as { naturalWidth: number }).naturalWidth, (img as unknown as { naturalHeight: number }).naturalHeight]);
  expect(size[0]).toBeGreaterThan(300);
  expect(size[1]).toBeGreaterThan(100);
  expect(await page.locator("details summary").innerText()).toBe("Mermaid source");
  expect(await page.locator("details pre").textContent()).toBe(inventory.graph);
  // Served from node_modules by envbot's own server, under the same CSP as every dashboard file.
  expect(mermaidRequests).toEqual([`${api.origin}/assets/vendor/mermaid.min.js`]);
  const script = await fetch(mermaidRequests[0]!);
  expect(script.status).toBe(200);
  expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect(script.headers.get("content-security-policy")).toContain("script-src 'self'");
  expect(await script.text()).toContain("mermaid");

  // What the picture says: its text, read in a page of its own (a parser in the dashboard's
  // page would meet the CSP itself): every resource by its address, the module as a group.
  const svg = decodeURIComponent((await graph.getAttribute("src"))!.replace(/^data:image\/svg\+xml;charset=utf-8,/, ""));
  const reader = await context.newPage();
  const texts = (await reader.evaluate(`[...new DOMParser().parseFromString(${JSON.stringify(svg)}, "image/svg+xml").querySelectorAll("text")].map((t) => t.textContent)`)) as string[];
  await reader.close();
  expect(texts).toEqual(expect.arrayContaining(["module.environment.module.cache", "terraform_data.node", "terraform_data.database", "terraform_data.network", 'terraform_data.service["api"]', 'terraform_data.service["web"]']));

  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await expectNoStrayValues(page);
  await page.screenshot({ path: path.join(shots, "environment-resources.png"), fullPage: true });
  // On a phone the table becomes cards and nothing is wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.locator("#resources thead").evaluate((head) => head.getBoundingClientRect().height <= 1)).toBe(true);
  expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
  expect(refusedOrFailed).toEqual([]);
});

test("the environment page lists its certificates (serial, names, expiry, renewal, CA), never a key", async () => {
  const now = Date.now();
  await api.store.putCertificate({
    repository,
    environment: "checkout-preview",
    name: "web",
    serial: "5f3a09c1d2e4b7a8",
    commonName: "checkout-preview.preview.example.com",
    dnsNames: ["checkout-preview.preview.example.com", "www.checkout-preview.example.com"],
    notBefore: new Date(now - 3 * 86_400_000),
    notAfter: new Date(now + 27 * 86_400_000),
    issuer: "aws-private-ca",
    issuedAt: new Date(now - 3 * 86_400_000),
    certificatePem: "-----BEGIN CERTIFICATE-----\nMIIB-the-certificate\n-----END CERTIFICATE-----\n",
    privateKeyPem: "-----BEGIN PRIVATE KEY-----\nMIGH-the-key\n-----END PRIVATE KEY-----\n",
  });
  await signInAs();
  await page.goto(`${api.origin}/environments/${repository}/checkout-preview`);
  const table = page.getByRole("table", { name: /Certificates envbot issued for it/ });
  await table.waitFor();
  const text = await table.innerText();
  expect(text).toContain("5f3a09c1d2e4b7a8");
  expect(text).toContain("checkout-preview.preview.example.com, www.checkout-preview.example.com");
  expect(text).toContain("AWS Private CA");
  expect(await page.content()).not.toMatch(/the-key|PRIVATE KEY|the-certificate/);
  await expectNoStrayValues(page);
  // An environment without certificates has no such section.
  await page.goto(`${api.origin}/environments/${repository}/search-load-test`);
  await page.getByRole("heading", { name: "Runs" }).waitFor();
  expect(await page.getByRole("heading", { name: "Certificates" }).count()).toBe(0);
});

test("the list updates by itself when an environment changes", async () => {
  await signInAs();
  const status = page.locator('tr[data-environment$="/ledger-demo"] .badge');
  await eventually(async () => expect(await status.innerText()).toBe("failed"));
  await api.store.upsertEnvironment({ repository, name: "ledger-demo", status: "active" });
  await eventually(async () => expect(await status.innerText()).toBe("active"));
});

test("a running plan's log appears line by line while it runs, then its outcome", async () => {
  await signInAs();
  const run = await api.store.startRun({ repository, environment: "checkout-preview", kind: "plan", commit: "b".repeat(40), actor: "alice" });
  await api.store.appendRunLog(run.id, ["Initializing the backend...", "Initializing provider plugins..."]);
  await page.goto(`${api.origin}/runs/${run.id}`);
  const log = page.locator("#run-log");
  await eventually(async () => expect(await log.innerText()).toContain("Initializing provider plugins..."));
  expect(await log.innerText()).not.toContain("Plan: 1 to add");
  await api.store.appendRunLog(run.id, ["module.site.aws_s3_bucket.site: Refreshing state...", "Plan: 1 to add, 0 to change, 0 to destroy."]);
  await eventually(async () => expect(await log.innerText()).toContain("Plan: 1 to add, 0 to change, 0 to destroy."));
  expect(await page.locator("#run-outcome").innerText()).toBe("running");
  await expectNoStrayValues(page);
  await page.screenshot({ path: path.join(shots, "run-log.png"), fullPage: true });
  await api.store.finishRun(run.id, { outcome: "succeeded" });
  await eventually(async () => expect(await page.locator("#run-outcome").innerText()).toBe("succeeded"));
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
});

test("Plan now asks first, then queues a real plan whose run joins the timeline", async () => {
  await signInAs();
  await app.services.engine.store.upsertEnvironment({ repository, name: "sandbox", template: "sandbox", owner: "@your-org/your-team", status: "active" });
  await page.goto(`${api.origin}/environments/${repository}/sandbox`);
  await page.getByRole("button", { name: "Plan now" }).click();
  const dialog = page.getByRole("dialog", { name: "Plan sandbox now?" });
  await dialog.waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  expect(api.store).toBeDefined();
  expect(await app.services.engine.store.listRuns(repository, "sandbox")).toEqual([]);

  await page.getByRole("button", { name: "Plan now" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Plan now" }).click();
  await page.getByText("The plan is queued").waitFor();
  await app.services.queue.idle();
  await eventually(async () => expect(await page.locator("#timeline").innerText()).toMatch(/plan[\s\S]*succeeded[\s\S]*by alice[\s\S]*\+1 ~0 -0/));
});

test("a sleeping environment offers Wake…, which asks for how long and wakes it with a real apply", async () => {
  const schedule = '  hibernation:\n    timeZone: Europe/Berlin\n    awake:\n      - { days: [mon], from: "08:00", to: "09:00" }\n';
  app.github.commit("main", { ...(await starterRepository()), "environments/office.yaml": definitionYaml("office", "sandbox", schedule) });
  const { store } = app.services.engine;
  await store.upsertEnvironment({ repository, name: "office", template: "sandbox", owner: "@acme/qa", status: "active", firstAppliedAt: new Date(Date.now() - 86_400_000), hibernatedAt: new Date(Date.now() - 3600_000) });
  await signInAs();
  await page.goto(`${api.origin}/environments/${repository}/office`);
  await expect(page.locator("#environment-status").innerText()).resolves.toBe("hibernated");
  await page.getByRole("button", { name: "Wake…" }).click();
  const dialog = page.getByRole("dialog", { name: "Wake office?" });
  await dialog.getByLabel("Stay awake").selectOption("2h");
  await dialog.getByRole("button", { name: "Wake" }).click();
  await page.getByText(/Waking up; it stays awake until/).waitFor();
  await app.services.queue.idle();
  const woken = (await store.getEnvironment(repository, "office"))!;
  expect(woken.hibernatedAt).toBeUndefined();
  expect(woken.awakeUntil!.getTime()).toBeGreaterThan(Date.now() + 3600_000);
  await eventually(async () => expect(await page.locator("#environment-status").innerText()).toBe("active"));
  expect(await page.getByRole("button", { name: "Wake…" }).isHidden()).toBe(true);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
});

test("an environment's dependencies link both ways: what it takes outputs of, and who takes its outputs", async () => {
  const definition = (name: string, variables: Record<string, unknown> = {}) => ({ apiVersion: "envbot.dev/v1", kind: "Environment", metadata: { name, owner: "@octo-org/data" }, spec: { template: "sandbox", variables } });
  const { store } = app.services.engine;
  await store.upsertEnvironment({ repository, name: "shared-db", template: "sandbox", owner: "@octo-org/data", status: "active", definition: definition("shared-db") });
  await store.upsertEnvironment({ repository, name: "orders-api", template: "sandbox", owner: "@octo-org/data", status: "active", definition: definition("orders-api", { greeting: { fromEnvironment: "shared-db", output: "greeting" } }) });
  await signInAs();
  await page.goto(`${api.origin}/environments/${repository}/shared-db`);
  await page.locator("#dependents").getByRole("link", { name: "orders-api" }).click();
  await page.getByRole("heading", { name: /^orders-api/ }).waitFor();
  expect(await page.locator("#upstreams").innerText()).toBe("shared-db (greeting ← greeting)");
  expect(await page.locator("#dependents").count()).toBe(0);
  // The repository's graph, drawn by Mermaid: this environment rounded, an arrow to what it takes.
  const graph = page.locator("#dependency-graph img");
  await graph.waitFor();
  expect(await graph.getAttribute("alt")).toBe("Dependency graph of the repository's environments");
  const size = await graph.evaluate((img) => [(img as unknown as { naturalWidth: number }).naturalWidth, (img as unknown as { naturalHeight: number }).naturalHeight]);
  expect(size[0]).toBeGreaterThan(150);
  expect(await page.locator("#dependencies details pre").textContent()).toBe(['flowchart LR', '  e0(["orders-api"])', '  e1["shared-db"]', '  e0 -->|"greeting"| e1'].join("\n"));
  await expectNoStrayValues(page);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
});

test("an awake environment has no Wake button", async () => {
  await signInAs();
  await page.goto(`${api.origin}/environments/${repository}/checkout-preview`);
  await page.getByRole("button", { name: "Plan now" }).waitFor();
  expect(await page.getByRole("button", { name: "Wake…" }).count()).toBe(0);
});

test("the cost page gives a month's cost per owner and per environment, awake hours only, with what sleeping saved", async () => {
  // Office ran 08:00-19:00 two days at $0.50 an hour and slept 13 hours between: 22 h, $11.00, $6.50 saved.
  const { store } = app.services.engine;
  const lives: [string, string, string, { hourly?: number; hibernation?: "sleep" | "wake" }][] = [
    ["office", "apply", "2026-11-02T08:00:00Z", { hourly: 0.5 }],
    ["office", "destroy", "2026-11-02T19:00:00Z", { hibernation: "sleep" }],
    ["office", "apply", "2026-11-03T08:00:00Z", { hourly: 0.5, hibernation: "wake" }],
    ["office", "destroy", "2026-11-03T19:00:00Z", {}],
    ["batch", "apply", "2026-11-10T00:00:00Z", { hourly: 0.25 }],
    ["batch", "destroy", "2026-11-11T00:00:00Z", {}],
  ];
  await store.upsertEnvironment({ repository, name: "office", template: "sandbox", owner: "@octo-org/web", status: "destroyed" });
  await store.upsertEnvironment({ repository, name: "batch", template: "sandbox", owner: "@octo-org/data", status: "destroyed" });
  const finished: [number, string][] = [];
  for (const [name, kind, at, { hourly, hibernation }] of lives) {
    const run = await store.startRun({ repository, environment: name, kind: kind as "apply" | "destroy", commit: "c0ffee0".padEnd(40, "0"), actor: "alice" });
    await store.finishRun(run.id, { outcome: "succeeded", summary: JSON.stringify({ changes: {}, ...(hourly !== undefined && { cost: { hourly, source: "template" } }), ...(hibernation && { hibernation }) }) });
    finished.push([run.id, at]);
  }
  const db = openKeptDatabase(path.join(app.dataDir, "envbot.db"));
  for (const [id, at] of finished) db.prepare("UPDATE runs SET finished_at = ? WHERE id = ?").run(at, id);
  db.close();

  await signInAs();
  await page.getByRole("link", { name: "Cost" }).click();
  await page.getByLabel("Month", { exact: true }).fill("2026-11");
  await page.getByRole("button", { name: "Show" }).click();
  const table = page.locator("#cost-table");
  await table.getByText("2026-11 by owner").waitFor();
  expect(await table.locator("thead th").allTextContents()).toEqual(["Owner", "Environments", "Hours", "Cost", "Saved asleep"]);
  const cells = (rows: string) => table.locator(rows).evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (cell) => cell.textContent)));
  expect(await cells("tbody tr")).toEqual([
    ["@octo-org/web", "1", "22.00", "$11.00", "$6.50"],
    ["@octo-org/data", "1", "24.00", "$6.00", "—"],
  ]);
  expect(await cells("tfoot tr")).toEqual([["Total", "2", "46.00", "$17.00", "$6.50"]]);
  expect(page.url()).toBe(`${api.origin}/cost?by=owner&month=2026-11`);
  await page.screenshot({ path: path.join(shots, "cost.png"), fullPage: true });

  await page.getByLabel("Group by").selectOption("environment");
  await table.getByText("2026-11 by environment").waitFor();
  expect((await cells("tbody tr")).map((row) => row[0])).toEqual([`${repository} office`, `${repository} batch`]);
  await expectNoStrayValues(page);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
});

test("a new environment is requested through the form made from the template's schema, and the pull request it opened is shown", async () => {
  await signInAs();
  await page.getByRole("link", { name: "Request an environment" }).click();
  // The list page has a "Template" filter too: wait until the request form replaced it.
  await page.getByRole("heading", { level: 1, name: "Request an environment" }).waitFor();
  await page.locator("select[name=template]").waitFor();
  await page.getByLabel("Template").selectOption("sandbox");
  // The template's variables became fields: defaults filled in, descriptions as hints, limits as constraints.
  const replicas = page.getByLabel("replicas");
  expect(await replicas.inputValue()).toBe("1");
  expect(await replicas.getAttribute("max")).toBe("10");
  expect(await page.getByText("How many stand-in instances to record.").count()).toBe(1);
  expect(await page.getByLabel("greeting").inputValue()).toBe("hello");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);

  await page.getByLabel("Name").fill("feature-login");
  await page.getByLabel("greeting").fill("hi from the dashboard");
  await page.getByLabel("Lifetime (ttl)").fill("9999h");
  await page.getByRole("button", { name: "Open the pull request" }).click();
  // The server's validator refuses the ttl (maxTtl 720h); the problem is shown at its field.
  await eventually(async () => expect(await page.locator("#request-ttl-problem").innerText()).toContain("720h"));
  expect(await page.getByLabel("Lifetime (ttl)").getAttribute("aria-invalid")).toBe("true");
  expect(app.github.createdPullRequests).toEqual([]);

  await page.getByLabel("Lifetime (ttl)").fill("48h");
  await page.getByRole("button", { name: "Open the pull request" }).click();
  const link = page.getByRole("link", { name: /pull request #\d+/ });
  await link.waitFor();
  await expectNoStrayValues(page);
  await page.screenshot({ path: path.join(shots, "request.png"), fullPage: true });
  const [pr] = app.github.createdPullRequests;
  expect(await link.getAttribute("href")).toBe(`https://github.com/${repository}/pull/${pr!.number}`);
  expect(app.github.filesOf(pr!.head)["environments/feature-login.yaml"]).toContain("greeting: hi from the dashboard");
});

test("on a phone the table becomes cards that fit the screen; the keyboard reaches everything", async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  try {
    await small.route("https://github.com/login/oauth/authorize**", async (route) => {
      const url = new URL(route.request().url());
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", "browser-code");
      back.searchParams.set("state", url.searchParams.get("state")!);
      await route.fulfill({ status: 302, headers: { location: back.href } });
    });
    await small.goto(api.origin);
    // Keyboard only: the skip link first, then on to signing in.
    await small.keyboard.press("Tab");
    expect(await small.evaluate("document.activeElement?.textContent")).toBe("Skip to content");
    await small.getByRole("link", { name: "Sign in with GitHub" }).focus();
    await small.keyboard.press("Enter");
    await small.locator("#environments tbody tr").first().waitFor();
    expect(await small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    expect(await small.locator("#environments thead").evaluate((head) => head.getBoundingClientRect().height <= 1)).toBe(true);
    expect(await seriousAccessibilityViolations(small)).toEqual([]);
    await expectNoStrayValues(small);
    await small.screenshot({ path: path.join(shots, "environments-phone.png"), fullPage: true });
  } finally {
    await phone.close();
  }
});

test("the accessibility check itself finds serious violations where there are some", async () => {
  await page.setContent('<html><body><img src="/x.png"><button></button></body></html>');
  expect((await seriousAccessibilityViolations(page)).map((violation) => violation.split(":")[0])).toEqual(["button-name (critical)", "document-title (serious)", "html-has-lang (serious)", "image-alt (critical)"]);
});

test("without the App's OAuth client, signing in leads to a styled page that says which two settings to set", async () => {
  const unconfigured = await startControlPlaneServer({ store: app.services.engine.store, queue: app.services.queue, probot: app.probot });
  try {
    await page.goto(unconfigured.origin);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.getByRole("heading", { name: "Sign-in is not set up" }).waitFor();
    expect(await page.locator("main").innerText()).toMatch(/GITHUB_CLIENT_ID.*GITHUB_CLIENT_SECRET.*restart envbot/s);
    // The dashboard's stylesheet applies (its header is the accent colour, not the browser's default).
    expect(await page.evaluate('getComputedStyle(document.querySelector("header.top")).backgroundColor')).not.toBe("rgba(0, 0, 0, 0)");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  } finally {
    await unconfigured.close();
  }
  expect(unconfigured.violations).toEqual([]);
});
