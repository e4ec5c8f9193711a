import { jest } from "@jest/globals";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { COMMENT_MARKER } from "../../src/render/pull-request-comment.js";
import { eventually } from "../helpers/eventually.js";
import { projectRoot, sha, starterRepository } from "../helpers/fixtures.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp, type GitHubOverHttp } from "../helpers/github/github-over-http.js";
import { startNpmProcess } from "../helpers/npm-start-process.js";
import { deliverWebhook } from "../helpers/github/signed-delivery.js";
import { TEST_APP_ID, TEST_PRIVATE_KEY, TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO, pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// The commands a newcomer reads first, run exactly as written: README.md's quick start, and
// docs/getting-started.md from that quick start to the App planning a first pull request. Every
// command either page shows (each sh block) is run here. Run from the checkout, with a fresh home
// directory: where the data goes must not depend on where one stands.
jest.setTimeout(180_000);
const run = promisify(execFile);

const README = "README.md";
const GETTING_STARTED = "docs/getting-started.md";

/** The sentences around each page's sh blocks, one pair per test below. */
const SECTIONS: Record<string, [from: string, to: string][]> = {
  [README]: [["From a checkout of envbot", "Records, state and working directories go to"]],
  [GETTING_STARTED]: [
    ["From a checkout of envbot", "Records, state and working directories go to"],
    ["To start your own environments repository", "`envbot init [DIR]` writes"],
    ["Start envbot from the checkout", "It logs"],
  ],
};

let home: string;
beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), "envbot-home-"));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/** The text of a page between two sentences. */
async function section(file: string, from: string, to: string): Promise<string> {
  const text = await readFile(path.join(projectRoot, file), "utf8");
  const start = text.indexOf(from);
  const end = text.indexOf(to, start);
  if (start === -1 || end === -1) throw new Error(`${file} no longer has "${from}" ... "${to}"`);
  return text.slice(start, end);
}

/** The fenced blocks of one language in a text. */
function blocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
}

/**
 * The shell lines of a page's sh blocks between two sentences, each with the output its comment
 * shows ("cmd  # output"; "..." and "<placeholders>" stand for what varies).
 */
async function shellLines(file: string, from: string, to: string): Promise<{ command: string; expect?: string }[]> {
  return blocks(await section(file, from, to), "sh").flatMap((block) =>
    block
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const [command, comment] = line.split(/\s+# /);
        return { command: command!.trim(), ...(comment ? { expect: comment.replace(/ \.\.\.$/, "").replace(/<expiry>/, "") } : {}) };
      }),
  );
}

test("every sh block of the README and of getting-started lies in a section these tests run", async () => {
  for (const [file, sections] of Object.entries(SECTIONS)) {
    const all = blocks(await readFile(path.join(projectRoot, file), "utf8"), "sh");
    const covered = (await Promise.all(sections.map(([from, to]) => section(file, from, to)))).flatMap((text) => blocks(text, "sh"));
    expect({ file, blocks: covered }).toEqual({ file, blocks: all });
  }
});

test("the quick start works as written, and writes nothing into the checkout", async () => {
  const lines = await shellLines(README, ...SECTIONS[README]![0]!);
  // getting-started begins with the same quick start, word for word: this run covers both.
  expect(await shellLines(GETTING_STARTED, ...SECTIONS[GETTING_STARTED]![0]!)).toEqual(lines);
  expect(lines.map((l) => l.command)).toEqual([
    "npm ci && npx envbot apply sandbox --repo environments-template --yes",
    "npx envbot status --repo environments-template",
    "npx envbot plan sandbox --repo environments-template",
    "npx envbot destroy sandbox --repo environments-template --yes",
  ]);
  const env = { PATH: process.env.PATH, HOME: home, USER: "newcomer" };
  for (const { command, expect: expected } of lines) {
    // `npm ci` would replace the node_modules this very test runs from: the checkout is installed already.
    const shell = command.replace(/^npm ci && /, "");
    const { stdout } = await run("bash", ["-c", shell], { cwd: projectRoot, env });
    if (expected) expect(stdout.replace(/\s+/g, " ")).toContain(expected.replace(/\s+/g, " ").trim());
  }
  // The data went to the user's state directory, not into the repository or the checkout.
  expect(existsSync(path.join(home, ".local", "state", "envbot", "envbot.db"))).toBe(true);
  expect(existsSync(path.join(projectRoot, "environments-template", ".envbot"))).toBe(false);
  // Nothing new in the repository, ignored files included.
  const { stdout: created } = await run("git", ["ls-files", "--others", "--", "environments-template"], { cwd: projectRoot });
  expect(created).toBe("");
});

test("installing the command from the checkout and starting an environments repository work as written", async () => {
  const lines = await shellLines(GETTING_STARTED, ...SECTIONS[GETTING_STARTED]![1]!);
  expect(lines.map((l) => l.command)).toEqual(["npm install --global .", "envbot init ~/my-environments", "envbot validate --repo ~/my-environments"]);
  // npm's global prefix in a scratch directory: the test installs nothing on the machine.
  const prefix = path.join(home, "npm-global");
  const env = { PATH: `${path.join(prefix, "bin")}:${process.env.PATH}`, HOME: home, npm_config_prefix: prefix, npm_config_audit: "false", npm_config_fund: "false" };
  for (const { command, expect: expected } of lines) {
    const { stdout } = await run("bash", ["-c", command], { cwd: projectRoot, env });
    if (expected) expect(stdout).toContain(expected);
  }
  expect(existsSync(path.join(home, "my-environments", ".github", "workflows", "envbot-validate.yml"))).toBe(true);
});

describe("the App as getting-started starts it", () => {
  const mock = setupGitHubMock();
  let github: FakeGitHub;
  let githubHttp: GitHubOverHttp;
  let appHome: string;

  beforeEach(async () => {
    mock.before();
    appHome = await mkdtemp(path.join(tmpdir(), "envbot-app-home-"));
    github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID });
    github.install();
    github.permissions.set("octocat", "write");
    // At start the App lists its installations for the reconcile schedules: none here.
    githubApi().get("/app/installations").query(true).reply(200, []).persist();
    githubHttp = await serveGitHubOverHttp();
  });
  afterEach(async () => {
    await githubHttp.close();
    github.uninstall();
    await rm(appHome, { recursive: true, force: true });
    mock.after();
  });

  test("npm start, with the settings of its .env, plans the pull request that adds the page's definition", async () => {
    const lines = await shellLines(GETTING_STARTED, ...SECTIONS[GETTING_STARTED]![2]!);
    expect(lines.map((l) => l.command)).toEqual(["npm start"]);

    // The page's .env, its values as written, but for what must be this test's: the App's identity,
    // a free port, and GitHub (this test's fake, as GitHub Enterprise Server over HTTP). They are
    // given as the environment: npm start reads .env only for what is not set, and the test writes
    // nothing into the checkout.
    const dotenvBlocks = blocks(await readFile(path.join(projectRoot, GETTING_STARTED), "utf8"), "ini");
    expect(dotenvBlocks).toHaveLength(1);
    const dotenv = dotenvBlocks[0]!;
    const settings = Object.fromEntries(
      dotenv
        .split("\n")
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(Object.keys(settings)).toEqual(expect.arrayContaining(["APP_ID", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET"]));
    const keyFile = path.join(appHome, "envbot.private-key.pem");
    await writeFile(keyFile, TEST_PRIVATE_KEY, { mode: 0o600 });
    const env = {
      ...settings,
      PATH: process.env.PATH,
      HOME: appHome,
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY_PATH: keyFile,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      PORT: "0",
      HOST: "127.0.0.1",
      GHE_HOST: githubHttp.host,
      GHE_PROTOCOL: "http",
    };

    // The pull request of step 6: the starter repository, and the definition the page shows.
    const [definition] = blocks(await section(GETTING_STARTED, "add `environments/preview.yaml`", "Open the pull request"), "yaml");
    const name = /^ {2}name: (\S+)$/m.exec(definition!)![1]!;
    const main = await starterRepository();
    github.commit(sha("main0"), main);
    github.commit("main", main);
    github.commit(sha("head1"), { ...main, [`environments/${name}.yaml`]: definition! });
    github.pullRequests.set(1, { number: 1, headSha: sha("head1"), baseSha: sha("main0"), author: "octocat", files: [{ filename: `environments/${name}.yaml`, status: "added" }] });

    const npm = await startNpmProcess(lines[0]!.command, { cwd: projectRoot, env });
    const { url } = npm;
    try {
      // What the page says it logs and answers.
      expect(npm.output()).toContain(`envbot started: data directory ${path.join(appHome, ".local", "state", "envbot")} (SQLite envbot.db: records, jobs, events); up to 2 Terraform operations at once`);
      expect(await (await fetch(`${url}/api/v1/health`)).json()).toEqual({ status: "ok" });

      const answer = await deliverWebhook({ url: `${url}/api/github/webhooks`, secret: TEST_WEBHOOK_SECRET, ...pullRequestEvent({ action: "opened", number: 1, headSha: sha("head1"), baseSha: sha("main0") }) });
      expect(answer.status).toBe(200);
      await eventually("the plan comment", () => github.botComments(1).some((c) => c.body.includes(COMMENT_MARKER)));
      await eventually("the App's queue is empty", async () => {
        const { queue } = (await (await fetch(`${url}/api/v1/health/ready`)).json()) as { queue: { queued: number; running: number } };
        return queue.queued === 0 && queue.running === 0;
      });
      expect(github.checks("envbot validate")).toMatchObject([{ head_sha: sha("head1"), status: "completed", conclusion: "success" }]);
      expect(github.checks(`envbot plan: ${name}`)).toMatchObject([{ head_sha: sha("head1"), status: "completed", conclusion: "success" }]);
      const comments = github.botComments(1);
      expect(comments).toHaveLength(1);
      // The page's words for the plan.
      expect(comments[0]!.body).toContain("1 to add, 0 to change, 0 to destroy");
    } finally {
      await npm.stop();
    }
  });
});
