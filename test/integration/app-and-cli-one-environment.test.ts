import { jest } from "@jest/globals";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { eventually } from "../helpers/eventually.js";
import { projectRoot } from "../helpers/fixtures.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// The App applying a merge and an operator's CLI (bin/envbot.js, a process of its own) on the same
// environment of one data directory at once: the lease in the store makes the second wait its turn.
jest.setTimeout(180_000);

const mock = setupGitHubMock();
let app: AppHarness;
let checkout: string;

beforeEach(async () => {
  mock.before();
  app = await createAppHarness();
  app.github.install();
  app.github.permissions.set("octocat", "write");
  checkout = await mkdtemp(path.join(tmpdir(), "envbot-checkout-"));
});
afterEach(async () => {
  app.github.uninstall();
  await app.cleanup();
  await rm(checkout, { recursive: true, force: true });
  mock.after();
});

async function writeCheckout(files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(checkout, file)), { recursive: true });
    await writeFile(path.join(checkout, file), text);
  }
}

function envbotProcess(args: string[]) {
  const child = spawn(process.execPath, [path.join(projectRoot, "bin", "envbot.js"), ...args], { cwd: checkout, env: { ...app.env, USER: "operator" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

test("the CLI planning an environment the App is applying waits for the App, then plans against what it applied", async () => {
  const { github } = app;
  const main0 = await starterRepository(["brief-apply"]);
  github.commit(sha("main0"), main0);
  const head = { ...main0, "environments/brief.yaml": definitionYaml("brief", "brief-apply", "  ttl: 24h\n") };
  github.commit(sha("head1"), head);
  github.pullRequests.set(1, { number: 1, headSha: sha("head1"), baseSha: sha("main0"), author: "octocat", files: [{ filename: "environments/brief.yaml", status: "added" }] });
  github.commit(sha("main1"), head);
  github.commit("main", head);
  await writeCheckout(head);

  // The merge: the App applies; its template's provisioner keeps Terraform busy for seconds.
  const applying = app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("main1"), number: 1, headSha: sha("head1"), baseSha: sha("main0") }));
  const store = app.services.engine.store;
  await eventually("the App's apply running", async () => {
    const [latest] = await store.listRuns(github.fullName, "brief", 1);
    return latest?.kind === "apply" && latest.outcome === "running";
  });
  const planned = envbotProcess(["plan", "brief", "--github", github.fullName, "--json"]);
  const [, cli] = await Promise.all([applying, planned]);

  expect(github.checks("envbot apply: brief")).toMatchObject([{ conclusion: "success" }]);
  expect(cli.stderr).toContain("waiting: brief is busy with octocat apply since");
  expect(cli.code).toBe(0);
  expect(JSON.parse(cli.stdout)).toMatchObject({ hasChanges: false }); // the App's apply is in the state it planned against

  const runs = (await store.listRuns(github.fullName, "brief")).reverse();
  const appApply = runs.find((r) => r.kind === "apply")!;
  const cliPlan = runs.at(-1)!;
  expect(appApply).toMatchObject({ actor: "octocat", outcome: "succeeded" });
  expect(cliPlan).toMatchObject({ kind: "plan", actor: "cli:operator", outcome: "succeeded" });
  // Never two Terraform processes on one state: the CLI's plan began after the App's apply ended.
  expect(cliPlan.startedAt.getTime()).toBeGreaterThanOrEqual(appApply.finishedAt!.getTime());
});

test("--github takes OWNER/NAME only", async () => {
  await writeCheckout(await starterRepository());
  const result = await envbotProcess(["status", "--github", "../../etc"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("--github takes OWNER/NAME of a GitHub repository, not '../../etc'");
});
