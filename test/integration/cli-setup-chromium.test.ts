import { jest } from "@jest/globals";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { launchBrowser, seriousAccessibilityViolations } from "../helpers/browser.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { runEnvbot } from "../helpers/run-cli.js";

// `envbot setup` in a real headless Chromium: the person clicks the page's button, the form posts
// the manifest to GitHub (its "new App" page stands in, answering as GitHub does once the App is
// created: back to the manifest's redirect_url with a code and the state), and the page that
// follows says what was done. GitHub's API is nock.
jest.setTimeout(120_000);

const mock = setupGitHubMock();
const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  mock.before();
  dir = await mkdtemp(path.join(tmpdir(), "envbot-setup-chromium-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  mock.after();
});

test("one click on the page creates the App on GitHub and comes back to its settings written; the pages have no serious accessibility violations", async () => {
  let stdout = "";
  let seen: (url: string) => void;
  const printed = new Promise<string>((resolve) => (seen = resolve));
  const done = runEnvbot(["setup", "--org", "acme"], {
    cwd: dir,
    env: { HOME: dir, ENVBOT_PUBLIC_URL: "https://envbot.example.com" },
    onStdout: (text) => {
      stdout += text;
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)?.[0];
      if (url) seen(url);
    },
  });
  const url = await printed;

  const context = await browser.newContext();
  const page = await context.newPage();
  const posted: { method: string; manifest: { redirect_url: string; hook_attributes: { url: string } } }[] = [];
  await page.route("https://github.com/organizations/acme/settings/apps/new**", async (route) => {
    const request = route.request();
    const manifest = JSON.parse(new URLSearchParams(request.postData() ?? "").get("manifest") ?? "null");
    posted.push({ method: request.method(), manifest });
    const back = new URL(manifest.redirect_url);
    back.searchParams.set("code", "browser-code");
    back.searchParams.set("state", new URL(request.url()).searchParams.get("state")!);
    await route.fulfill({ status: 302, headers: { location: back.href } });
  });
  githubApi()
    .post("/app-manifests/browser-code/conversions")
    .reply(201, {
      id: 31337,
      slug: "envbot-acme",
      node_id: "MDxOkludGVncmF0aW9uMzEzMzc=",
      owner: { login: "acme", id: 1, node_id: "MDEyOk9yZ2FuaXphdGlvbjE=", type: "Organization", site_admin: false },
      name: "envbot <acme>",
      description: "",
      external_url: "https://github.com/apps/envbot",
      html_url: "https://github.com/apps/envbot-acme",
      created_at: "2026-11-23T12:00:00Z",
      updated_at: "2026-11-23T12:00:00Z",
      permissions: { metadata: "read" },
      events: ["push"],
      client_id: "Iv1.chromium",
      client_secret: "chromium-client-secret",
      webhook_secret: "chromium-webhook-secret-0123456789",
      pem,
    });
  try {
    await page.goto(url);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Create envbot's GitHub App");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Create the App on GitHub" }).click();
    await page.getByRole("heading", { level: 1, name: "envbot's GitHub App is created" }).waitFor();
    expect(posted).toEqual([{ method: "POST", manifest: expect.objectContaining({ redirect_url: `${url}callback`, hook_attributes: { url: "https://envbot.example.com/api/github/webhooks" } }) }]);
    // The App's name as GitHub gave it, shown as text, never as markup.
    expect(await page.getByRole("link", { name: "envbot <acme>" }).getAttribute("href")).toBe("https://github.com/apps/envbot-acme");
    expect(await page.getByRole("link", { name: "https://github.com/apps/envbot-acme/installations/new" }).count()).toBe(1);
    expect(await page.locator("main").innerText()).not.toMatch(/chromium-client-secret|chromium-webhook-secret|BEGIN RSA/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  } finally {
    await context.close();
  }
  expect((await done).code).toBe(0);
  expect((await stat(path.join(dir, ".env"))).mode & 0o777).toBe(0o600);
});
