import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createProbot } from "probot";
import { parse } from "yaml";
import { readGitHubAppSettings } from "../../src/composition/github-app-settings.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { eventually } from "../helpers/eventually.js";
import { projectRoot, sha, starterRepository } from "../helpers/fixtures.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { enterpriseServer, githubApi, recordedGitHubRequests, setupGitHubMock } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp } from "../helpers/github/github-over-http.js";
import { startNpmProcess } from "../helpers/npm-start-process.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO, pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { runEnvbot, type CliResult } from "../helpers/run-cli.js";

// `envbot setup` through the command line, the test playing the browser: it opens the printed
// page, reads its form (GitHub's "new App" page and the manifest), and comes back as GitHub
// would, to the manifest's redirect_url with a code and the state. GitHub's API is nock.

const run = promisify(execFile);
const mock = setupGitHubMock();
const appYml = parse(readFileSync(path.join(projectRoot, "app.yml"), "utf8")) as Record<string, unknown>;
const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const WEBHOOK_SECRET = "e340154128314309424b7c8e90325147d99fdafa";
const CLIENT_SECRET = "1726be1638095a19edd134c77bde3aa2ece1e5d8";

let dir: string;
beforeEach(async () => {
  mock.before();
  dir = await mkdtemp(path.join(tmpdir(), "envbot-setup-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  mock.after();
});

/** GitHub's answer to POST /app-manifests/{code}/conversions (its OpenAPI example's shape), for an App at `web`. */
function conversion(web = "https://github.com", api = "https://api.github.com") {
  return {
    id: 424242,
    slug: "envbot-acme",
    node_id: "MDxOkludGVncmF0aW9uNDI0MjQy",
    owner: { login: "acme", id: 1, node_id: "MDEyOk9yZ2FuaXphdGlvbjE=", url: `${api}/orgs/acme`, html_url: `${web}/acme`, type: "Organization", site_admin: false },
    name: "envbot-acme",
    description: appYml.description,
    external_url: appYml.url,
    html_url: `${web}/apps/envbot-acme`,
    created_at: "2026-11-23T12:00:00Z",
    updated_at: "2026-11-23T12:00:00Z",
    permissions: appYml.default_permissions,
    events: appYml.default_events,
    client_id: "Iv1.8a61f9b3a7aba766",
    client_secret: CLIENT_SECRET,
    webhook_secret: WEBHOOK_SECRET,
    pem,
  };
}

/** Starts `envbot setup ARGS` and waits for the page it prints. */
async function startSetup(args: string[], env: NodeJS.ProcessEnv, cwd = dir): Promise<{ url: string; done: Promise<CliResult> }> {
  let stdout = "";
  let seen: (url: string) => void;
  const printed = new Promise<string>((resolve) => (seen = resolve));
  const done = runEnvbot(["setup", ...args], {
    cwd,
    env: { HOME: dir, ...env },
    onStdout: (text) => {
      stdout += text;
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)?.[0];
      if (url) seen(url);
    },
  });
  const url = await Promise.race([printed, done.then(() => undefined)]);
  if (url === undefined) throw new Error(`envbot setup ended before printing its page: ${JSON.stringify(await done)}`);
  return { url, done };
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[name]!);
}

/** The page's form, as a browser would post it: where to, the manifest, and the state GitHub hands back. */
async function readForm(url: string): Promise<{ action: URL; manifest: Record<string, unknown> & { redirect_url: string }; state: string }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
  const html = await response.text();
  const form = /<form method="post" action="([^"]+)"><input type="hidden" name="manifest" value="([^"]+)">/.exec(html);
  if (!form) throw new Error(`no manifest form on the page:\n${html}`);
  const action = new URL(unescapeHtml(form[1]!));
  return { action, manifest: JSON.parse(unescapeHtml(form[2]!)), state: action.searchParams.get("state")! };
}

/** GitHub sending the browser back. */
async function comeBack(redirectUrl: string, query: Record<string, string>): Promise<{ status: number; html: string }> {
  const response = await fetch(`${redirectUrl}?${new URLSearchParams(query)}`);
  return { status: response.status, html: await response.text() };
}

/** The file as npm start reads it: process.loadEnvFile, in a node of its own (jest's process.env is a copy). */
async function loadEnvFile(file: string): Promise<Record<string, string>> {
  const script = "const before = new Set(Object.keys(process.env)); process.loadEnvFile(process.argv[1]); process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([name]) => !before.has(name)))))";
  const { stdout } = await run(process.execPath, ["-e", script, file], { env: { PATH: process.env.PATH } });
  return JSON.parse(stdout) as Record<string, string>;
}

const SECRETS = [pem, Buffer.from(pem).toString("base64"), WEBHOOK_SECRET, CLIENT_SECRET, "-----BEGIN"];

test("the page posts app.yml's manifest to GitHub; a wrong state writes nothing; GitHub's code becomes a .env npm start accepts", async () => {
  const { url, done } = await startSetup([], { ENVBOT_PUBLIC_URL: "https://envbot.example.com/" });
  const { action, manifest, state } = await readForm(url);
  expect(`${action.origin}${action.pathname}`).toBe("https://github.com/settings/apps/new");
  expect(state).toMatch(/^[A-Za-z0-9_-]{32}$/);
  expect(manifest).toMatchObject({
    name: appYml.name,
    hook_attributes: { url: "https://envbot.example.com/api/github/webhooks" },
    callback_urls: ["https://envbot.example.com/auth/callback"],
    redirect_url: `${url}callback`,
    default_permissions: appYml.default_permissions,
    default_events: appYml.default_events,
  });

  // Not GitHub's answer to this setup: refused, and nothing asked of GitHub (no mock yet) or written.
  const wrong: Record<string, string>[] = [{ code: "stolen", state: "not-the-state" }, { code: "stolen" }, { code: "stolen", state: `${state}x` }];
  for (const query of wrong) {
    const answer = await comeBack(manifest.redirect_url, query);
    expect(answer.status).toBe(400);
    expect(answer.html).toContain("nothing was written");
  }
  // Another name for this machine (a site's DNS pointing here) is no way in: the page and its state stay unread.
  const otherHost = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
    const req = request(url, { headers: { host: "attacker.example" } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => void (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", reject);
    req.end();
  });
  expect(otherHost.status).toBe(421);
  expect(otherHost.body).not.toContain(state);
  expect(existsSync(path.join(dir, ".env"))).toBe(false);

  githubApi().post("/app-manifests/the-code/conversions").reply(201, conversion());
  const back = await comeBack(manifest.redirect_url, { code: "the-code", state });
  expect(back.status).toBe(200);
  expect(back.html).toContain('href="https://github.com/apps/envbot-acme/installations/new"');
  expect(back.html).toContain("npm start");
  const result = await done;
  expect(result).toMatchObject({ code: 0, stderr: "" });
  expect(result.stdout).toContain("Created the GitHub App envbot-acme: https://github.com/apps/envbot-acme\n");
  expect(result.stdout).toContain(`Wrote APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, ENVBOT_PUBLIC_URL to ${path.join(dir, ".env")}`);
  expect(result.stdout).toContain("1. Install the App on your environments repository: https://github.com/apps/envbot-acme/installations/new\n");
  for (const secret of SECRETS) {
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect(back.html).not.toContain(secret);
  }
  expect(recordedGitHubRequests().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /app-manifests/the-code/conversions"]);

  const file = path.join(dir, ".env");
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  const settings = await loadEnvFile(file);
  expect(settings).toEqual({
    APP_ID: "424242",
    PRIVATE_KEY: Buffer.from(pem).toString("base64"),
    WEBHOOK_SECRET,
    GITHUB_CLIENT_ID: "Iv1.8a61f9b3a7aba766",
    GITHUB_CLIENT_SECRET: CLIENT_SECRET,
    ENVBOT_PUBLIC_URL: "https://envbot.example.com",
  });
  // What npm start does with them: its settings reader, then Probot with the key.
  const appSettings = readGitHubAppSettings(settings);
  expect(appSettings.warnings).toEqual([]);
  expect(appSettings.signIn).toEqual({ clientId: "Iv1.8a61f9b3a7aba766", clientSecret: CLIENT_SECRET, webUrl: "https://github.com", apiUrl: "https://api.github.com", publicUrl: "https://envbot.example.com" });
  expect(() => createProbot({ env: appSettings.probotEnv })).not.toThrow();

  // The server is gone with the command.
  await expect(fetch(url)).rejects.toThrow();
});

test("from a fresh checkout: envbot setup writes .env, and npm start with nothing but that file answers a signed webhook with a plan", async () => {
  // A checkout of its own (the project's package.json, dist and node_modules), so the .env lands
  // where npm start reads it and nothing is written into the real one. GitHub is this test's fake,
  // as GitHub Enterprise Server over HTTP: setup keeps GHE_HOST and GHE_PROTOCOL in the .env.
  const checkout = path.join(dir, "checkout");
  await mkdir(checkout);
  await writeFile(path.join(checkout, "package.json"), await readFile(path.join(projectRoot, "package.json")));
  for (const linked of ["dist", "node_modules"]) await symlink(path.join(projectRoot, linked), path.join(checkout, linked));
  const github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID });
  github.install();
  github.permissions.set("octocat", "write");
  githubApi().get("/app/installations").query(true).reply(200, []).persist();
  const githubHttp = await serveGitHubOverHttp();
  try {
    const ghe = { GHE_HOST: githubHttp.host, GHE_PROTOCOL: "http" };
    const { url, done } = await startSetup(["--public-url", "https://envbot.example.com"], ghe, checkout);
    const { action, manifest, state } = await readForm(url);
    expect(`${action.origin}${action.pathname}`).toBe(`http://${githubHttp.host}/settings/apps/new`);
    githubApi().post("/app-manifests/fresh-code/conversions").reply(201, conversion(`http://${githubHttp.host}`, `http://${githubHttp.host}/api/v3`));
    expect((await comeBack(manifest.redirect_url, { code: "fresh-code", state })).status).toBe(200);
    expect(await done).toMatchObject({ code: 0, stderr: "" });
    expect(await loadEnvFile(path.join(checkout, ".env"))).toMatchObject({ APP_ID: "424242", WEBHOOK_SECRET, ...ghe });

    const main = await starterRepository();
    github.commit(sha("main0"), main);
    github.commit("main", main);
    github.commit(sha("head1"), { ...main, "environments/preview.yaml": definitionYaml("preview", "sandbox", "  ttl: 24h\n") });
    github.pullRequests.set(1, { number: 1, headSha: sha("head1"), baseSha: sha("main0"), author: "octocat", files: [{ filename: "environments/preview.yaml", status: "added" }] });

    // Only what a shell has, and where to listen: every App setting comes from the .env.
    const npm = await startNpmProcess("npm start", { cwd: checkout, env: { PATH: process.env.PATH, HOME: dir, PORT: "0", HOST: "127.0.0.1" } });
    const app = npm.url;
    try {
      const event = pullRequestEvent({ action: "opened", number: 1, headSha: sha("head1"), baseSha: sha("main0") });
      // Signed with another secret: refused. With the secret GitHub handed over: planned.
      expect((await deliverWebhook({ url: `${app}/api/github/webhooks`, secret: "not-the-secret", ...event })).status).toBe(400);
      expect((await deliverWebhook({ url: `${app}/api/github/webhooks`, secret: WEBHOOK_SECRET, ...event })).status).toBe(200);
      await eventually("the plan comment", () => github.botComments(1).some((c) => c.body.includes("1 to add, 0 to change, 0 to destroy")));
      await eventually("the plan check", () => github.checks("envbot plan: preview").some((c) => c.status === "completed"));
      expect(github.checks("envbot plan: preview")).toMatchObject([{ head_sha: sha("head1"), conclusion: "success" }]);
      for (const secret of SECRETS) expect(npm.output()).not.toContain(secret);
    } finally {
      await npm.stop();
    }
  } finally {
    await githubHttp.close();
    github.uninstall();
  }
}, 180_000);

test("an organization on GitHub Enterprise Server, with --public-url, --dotenv and --force over a file others could read", async () => {
  await mkdir(path.join(dir, "config"));
  const file = path.join(dir, "config", "envbot.env");
  await writeFile(file, "OLD=1\n", { mode: 0o644 });
  const { url, done } = await startSetup(["--org", "acme", "--public-url", "https://tunnel.example.net", "--dotenv", "config/envbot.env", "--force"], {
    GHE_HOST: "ghe.example.com",
    ENVBOT_PUBLIC_URL: "https://ignored.example.com",
  });
  const { action, manifest, state } = await readForm(url);
  expect(`${action.origin}${action.pathname}`).toBe("https://ghe.example.com/organizations/acme/settings/apps/new");
  expect(manifest.hook_attributes).toEqual({ url: "https://tunnel.example.net/api/github/webhooks" });

  githubApi(enterpriseServer("ghe.example.com"))
    .post("/api/v3/app-manifests/ghe-code/conversions")
    .reply(201, conversion("https://ghe.example.com", "https://ghe.example.com/api/v3"));
  expect((await comeBack(manifest.redirect_url, { code: "ghe-code", state })).status).toBe(200);
  const result = await done;
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("https://ghe.example.com/apps/envbot-acme/installations/new");

  expect((await stat(file)).mode & 0o777).toBe(0o600);
  const settings = await loadEnvFile(file);
  expect(settings).toMatchObject({ APP_ID: "424242", ENVBOT_PUBLIC_URL: "https://tunnel.example.net", GHE_HOST: "ghe.example.com" });
  expect(settings).not.toHaveProperty("OLD");
  expect(readGitHubAppSettings(settings).signIn).toMatchObject({ webUrl: "https://ghe.example.com", apiUrl: "https://ghe.example.com/api/v3" });
});

test("GitHub refusing the code (it expired): the page and the command say so, exit 1, nothing written", async () => {
  const { url, done } = await startSetup([], { ENVBOT_PUBLIC_URL: "https://envbot.example.com" });
  const { manifest, state } = await readForm(url);
  githubApi().post("/app-manifests/old-code/conversions").reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/apps/apps#create-a-github-app-from-a-manifest" });
  const back = await comeBack(manifest.redirect_url, { code: "old-code", state });
  expect(back.status).toBe(502);
  expect(back.html).toContain("GitHub did not hand over the App");
  const result = await done;
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^envbot setup: GitHub did not hand over the App: Not Found/);
  expect(existsSync(path.join(dir, ".env"))).toBe(false);
});

describe("refused before anything starts, exit 2", () => {
  test("without a public URL: GitHub must reach the webhook URL", async () => {
    const result = await runEnvbot(["setup"], { cwd: dir, env: { HOME: dir } });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(/^envbot setup: GitHub must reach envbot's webhook URL \(PUBLIC_URL\/api\/github\/webhooks\): set ENVBOT_PUBLIC_URL or --public-url/);
    expect(result.stderr).toContain("a tunnel");
  });

  test("an existing .env without --force, a public URL or an organization that is none, a port that is none", async () => {
    await writeFile(path.join(dir, ".env"), "KEEP=1\n");
    const env = { HOME: dir, ENVBOT_PUBLIC_URL: "https://envbot.example.com" };
    const existing = await runEnvbot(["setup"], { cwd: dir, env });
    expect(existing).toMatchObject({ code: 2, stdout: "" });
    expect(existing.stderr).toContain(`${path.join(dir, ".env")} exists: envbot setup never overwrites it`);
    expect(await readFile(path.join(dir, ".env"), "utf8")).toBe("KEEP=1\n");

    const other = { cwd: dir, env };
    expect((await runEnvbot(["setup", "--dotenv", "x.env", "--public-url", "envbot.example.com"], other)).stderr).toContain("--public-url: 'envbot.example.com' is not an address");
    expect((await runEnvbot(["setup", "--dotenv", "x.env", "--org", "../x"], other)).stderr).toContain("--org: '../x' is not an organization's login");
    expect((await runEnvbot(["setup", "--dotenv", "x.env", "--port", "99999"], other)).stderr).toContain("--port takes a port number");
    expect((await runEnvbot(["setup", "--dotenv", "x.env", "--port", "99999"], other)).code).toBe(2);
  });

  test("--help", async () => {
    const help = await runEnvbot(["setup", "--help"], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: envbot setup \[--org ORG\] \[--public-url URL\] \[--dotenv PATH\] \[--force\] \[--port N\]/);
  });
});
