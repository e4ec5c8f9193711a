import { jest } from "@jest/globals";
import { realpath } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { readSettings } from "../../src/adapters/server-env/settings.js";
import { openStore } from "../../src/composition/open-backends.js";
import type { Store } from "../../src/core/ports/index.js";
import { eventually, launchBrowser, seriousAccessibilityViolations } from "../helpers/browser.js";
import { applySandbox, startUi, type AppliedSandbox, type UiProcess } from "../helpers/envbot-ui-process.js";
import { projectRoot } from "../helpers/fixtures.js";

// `envbot ui` in a real headless Chromium: the quick start's sandbox applied by the real command,
// the dashboard served by `envbot ui` as a process over the same data directory, opened at the
// address it printed. No GitHub anywhere.
jest.setTimeout(180_000);

let browser: Browser;
let sandbox: AppliedSandbox;
let ui: UiProcess;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  sandbox = await applySandbox("tester");
  ui = await startUi(sandbox.env);
});
afterAll(async () => {
  await ui?.interrupt();
  await browser?.close();
  await sandbox?.cleanup();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});
afterEach(async () => {
  await context.close();
});

/** A page built from data must never show JavaScript's own words for missing or odd values. */
async function expectNoStrayValues(on: Page): Promise<void> {
  expect(await on.locator("main").innerText()).not.toMatch(/\bnull\b|\bundefined\b|\[object |NaN/);
}

test("the printed address opens the dashboard: the sandbox in the table, then its page and its last run's log; no serious accessibility violations", async () => {
  await page.goto(ui.url);
  // Signed in, and the token is gone from the address.
  expect(page.url()).toBe(`${ui.origin}/`);
  await page.getByText("Signed in as cli:tester").waitFor();
  const row = page.locator(`tr[data-environment="${ui.shownAs}/sandbox"]`);
  await eventually(async () => expect(await row.innerText()).toMatch(/sandbox[\s\S]*active[\s\S]*@your-org\/your-team[\s\S]*sandbox[\s\S]*local\/environments-template-[\s\S]*apply succeeded/));
  expect(await page.locator("#environments tbody tr").count()).toBe(1);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await expectNoStrayValues(page);

  await page.getByRole("link", { name: "sandbox", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: /sandbox/ }).waitFor();
  expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("sandbox active");
  await eventually(async () => expect(await page.locator("#timeline").innerText()).toMatch(/apply[\s\S]*succeeded[\s\S]*by cli:tester/));
  // The inventory of the apply, from the same records.
  await eventually(async () => expect(await page.locator("main").innerText()).toMatch(/terraform_data/));
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await expectNoStrayValues(page);

  await page.locator("#timeline li").first().getByRole("link").click();
  await page.getByRole("heading", { level: 1, name: /Run #\d+: apply of sandbox/ }).waitFor();
  await eventually(async () => expect(await page.locator("#run-log").innerText()).toContain("Apply complete"));
  await eventually(async () => expect(await page.locator("#run-log-state").innerText()).toBe("The run succeeded."));
  expect(await page.locator("#run-outcome").innerText()).toBe("succeeded");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await expectNoStrayValues(page);
});

test("a run going on in another process shows its log live; Plan now says it is not available locally", async () => {
  // Another terminal's `envbot apply`, as its records show it: the same data directory and checkout.
  const { store } = (await openStore(readSettings(sandbox.env, projectRoot))) as { store: Store };
  const repository = await realpath(path.join(projectRoot, "environments-template"));
  try {
    await page.goto(ui.url);
    await page.getByText("Signed in as cli:tester").waitFor();
    const run = await store.startRun({ repository, environment: "sandbox", kind: "plan", actor: "cli:tester" });
    await store.appendRunLog(run.id, ["Initializing the backend..."]);
    await page.goto(`${ui.origin}/runs/${run.id}`);
    const log = page.locator("#run-log");
    await eventually(async () => expect(await log.innerText()).toContain("Initializing the backend..."));
    expect(await page.locator("#run-outcome").innerText()).toBe("running");
    await store.appendRunLog(run.id, ["terraform_data.instance[0]: Refreshing state...", "No changes. Your infrastructure matches the configuration."]);
    await eventually(async () => expect(await log.innerText()).toContain("No changes. Your infrastructure matches the configuration."));
    await store.finishRun(run.id, { outcome: "succeeded" });
    await eventually(async () => expect(await page.locator("#run-outcome").innerText()).toBe("succeeded"));

    await page.goto(`${ui.origin}/environments/${ui.shownAs}/sandbox`);
    await page.getByRole("button", { name: "Plan now" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Plan now" }).click();
    await eventually(async () => expect(await page.locator("#action-result").innerText()).toMatch(/^Plan failed: not available locally/));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  } finally {
    await store.close();
  }
});

test("a browser without the printed address gets nothing but a page that says to open it", async () => {
  const answer = await page.goto(`${ui.origin}/`);
  expect(answer?.status()).toBe(401);
  expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Open the address envbot ui printed");
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
});
