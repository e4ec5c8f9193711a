import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { startAppProcess, type AppProcess } from "../helpers/envbot-app-process.js";
import { freePort } from "../helpers/free-port.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp, type GitHubOverHttp } from "../helpers/github/github-over-http.js";
import { DEFAULT_INSTALLATION_ID } from "../helpers/github/webhook-payloads.js";
import { awsTestEnv, startMoto, type MotoRequest, type MotoServer } from "../helpers/moto-server.js";
import { runEnvbot } from "../helpers/run-cli.js";

// Short-lived cloud credentials per run, on moto with the real terraform binary: each run assumes
// its role through STS (with the server's key, or in OIDC mode with a token envbot signs and
// serves the keys of), and Terraform's environment holds that session and nothing of the server's.

const REPOSITORY = "acme/shop";
const PLAN_ROLE = "arn:aws:iam::123456789012:role/envbot-plan";
const APPLY_ROLE = "arn:aws:iam::123456789012:role/envbot-apply";
const ROLES_ALLOW = `${REPOSITORY}=arn:aws:iam::123456789012:role/envbot-*`;
const credentialsConfig = (role: string, planRole?: string) =>
  `version: 1\ncredentials:\n  aws:\n    role: ${role}\n${planRole ? `    planRole: ${planRole}\n` : ""}`;

/** STS's form parameters of each request of `action` moto received. */
function stsCalls(recording: MotoRequest[], action: string): URLSearchParams[] {
  return recording.map((request) => new URLSearchParams(request.body)).filter((params) => params.get("Action") === action);
}

function tagsOf(call: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let i = 1; call.has(`Tags.member.${i}.Key`); i++) tags[call.get(`Tags.member.${i}.Key`)!] = call.get(`Tags.member.${i}.Value`)!;
  return tags;
}

/** A terraform that first writes down the environment it was given (envbot filters it: the path is in the script). */
async function terraformRecordingItsEnvironment(dir: string): Promise<{ binary: string; environments(): Promise<Record<string, string>[]> }> {
  const dumps = path.join(dir, "terraform-env");
  const binary = path.join(dir, "terraform-recording-env");
  await writeFile(binary, `#!/bin/sh\nmkdir -p '${dumps}'\nenv -0 > "$(mktemp '${dumps}/env.XXXXXX')"\nexec terraform "$@"\n`);
  await chmod(binary, 0o755);
  return {
    binary,
    async environments() {
      const files = await readdir(dumps);
      return Promise.all(
        files.map(async (file) => Object.fromEntries((await readFile(path.join(dumps, file), "utf8")).split("\0").filter(Boolean).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]))),
      );
    },
  };
}

/** Everything envbot recorded about a repository's runs, as one text. */
async function recordedText(dataDir: string, environment: string): Promise<{ text: string; audit: { action: string; detail?: string }[] }> {
  const store = openSqliteStore({ file: path.join(dataDir, "envbot.db") });
  try {
    const runs = await store.listRuns(REPOSITORY, environment);
    const logs = await Promise.all(runs.map((r) => store.readRunLog(r.id, 0, 10_000)));
    const audit = await store.listAudit({ repositories: [REPOSITORY], limit: 1_000 });
    const text = JSON.stringify({ runs, logs, audit, events: await store.pendingEvents(1_000), environments: await store.listEnvironments(REPOSITORY) });
    return { text, audit };
  } finally {
    await store.close();
  }
}

/** The AWS_ variables a run's Terraform may have: the session, and settings that name no identity. */
const SESSION_ONLY = ["AWS_ACCESS_KEY_ID", "AWS_EC2_METADATA_DISABLED", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

describe("assume-role: the server's key assumes each run's role", () => {
  let moto: MotoServer;
  let sandbox: EngineSandbox;
  let recorder: Awaited<ReturnType<typeof terraformRecordingItsEnvironment>>;
  const envbot = (argv: string[]) => runEnvbot([...argv, "--github", REPOSITORY], { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });

  beforeAll(async () => {
    moto = await startMoto({ record: true });
    const scratch = await mkdtemp(path.join(tmpdir(), "envbot-cloud-role-"));
    recorder = await terraformRecordingItsEnvironment(scratch);
    sandbox = await createEngineSandbox({
      templates: ["cloud-role"],
      env: {
        ...awsTestEnv(moto.endpoint),
        // The server's own identity, which must never reach Terraform.
        AWS_ACCESS_KEY_ID: "AKIASERVERKEY0000001",
        AWS_SECRET_ACCESS_KEY: "server-secret-key-never-in-terraform",
        AWS_PROFILE: "server-profile",
        ENVBOT_AWS_ENDPOINT: moto.endpoint,
        ENVBOT_AWS_CREDENTIALS: "assume-role",
        ENVBOT_AWS_ROLES_ALLOW: ROLES_ALLOW,
        TERRAFORM_BIN: recorder.binary,
      },
    });
    await writeFile(path.join(sandbox.repoDir, ".github", "envbot.yml"), credentialsConfig(APPLY_ROLE, PLAN_ROLE));
    await sandbox.writeDefinition("web", definitionYaml("web", "cloud-role"));
  });
  afterAll(async () => {
    await sandbox?.cleanup();
    await moto?.stop();
  });

  test("a plan assumes the read-only plan role with the run's session tags, and Terraform runs as that session alone", async () => {
    const planned = await envbot(["plan", "web"]);
    expect(planned.stderr).not.toContain("Error");
    expect(planned.code).toBe(0);

    const recording = await moto.recording();
    const [assumed, ...more] = stsCalls(recording, "AssumeRole");
    expect(more).toEqual([]);
    expect(assumed!.get("RoleArn")).toBe(PLAN_ROLE);
    expect(assumed!.get("RoleSessionName")).toMatch(/^envbot-plan-\d+-web$/);
    // One Terraform command's timeout (30m by default), within the 1h ENVBOT_AWS_SESSION_MAX.
    expect(assumed!.get("DurationSeconds")).toBe("1800");
    expect(tagsOf(assumed!)).toEqual({ "envbot:environment": "web", "envbot:owner": "@acme/qa", "envbot:repository": REPOSITORY, "envbot:phase": "plan" });

    const environments = await recorder.environments();
    expect(environments.length).toBeGreaterThanOrEqual(2); // init, plan (and show)
    const sessionKey = environments[0]!.AWS_ACCESS_KEY_ID!;
    for (const env of environments) {
      expect(Object.keys(env).filter((name) => name.startsWith("AWS_")).sort()).toEqual(SESSION_ONLY);
      expect(env.AWS_ACCESS_KEY_ID).toBe(sessionKey);
      expect(env.AWS_SESSION_TOKEN).toBeTruthy();
    }
    expect(sessionKey).not.toBe("AKIASERVERKEY0000001");
    expect(JSON.stringify(environments)).not.toContain("server-secret-key-never-in-terraform");
    // The aws provider asked AWS who it is with the session's key.
    const callerIdentity = recording.filter((request) => new URLSearchParams(request.body).get("Action") === "GetCallerIdentity");
    expect(callerIdentity.length).toBeGreaterThanOrEqual(1);
    for (const request of callerIdentity) expect(request.headers.Authorization ?? request.headers.authorization).toContain(`Credential=${sessionKey}/`);

    // The audit trail names the role and the session; no text envbot keeps or prints holds its secret.
    const { text, audit } = await recordedText(sandbox.dataDir, "web");
    expect(audit).toEqual([expect.objectContaining({ action: "plan", detail: expect.stringMatching(new RegExp(`^role ${PLAN_ROLE} \\(sts:AssumeRole, session envbot-plan-\\d+-web, until `)) })]);
    const session = environments[0]!;
    for (const secret of [session.AWS_SECRET_ACCESS_KEY!, session.AWS_SESSION_TOKEN!]) {
      expect(`${planned.stdout}${planned.stderr}${text}`).not.toContain(secret);
    }
  });

  test("a role the operator does not allow is refused before AWS is asked, and so is a run that needs AWS without a role", async () => {
    const before = stsCalls(await moto.recording(), "AssumeRole").length;
    await writeFile(path.join(sandbox.repoDir, ".github", "envbot.yml"), credentialsConfig("arn:aws:iam::210987654321:role/admin"));
    const refused = await envbot(["plan", "web"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(
      `may not assume arn:aws:iam::210987654321:role/admin: arn:aws:iam::210987654321:role/admin matches none of the roles the server's ENVBOT_AWS_ROLES_ALLOW lets ${REPOSITORY} assume (arn:aws:iam::123456789012:role/envbot-*)`,
    );

    await writeFile(path.join(sandbox.repoDir, ".github", "envbot.yml"), "version: 1\n");
    const withoutRole = await envbot(["plan", "web"]);
    expect(withoutRole.code).not.toBe(0);
    expect(withoutRole.stdout + withoutRole.stderr).toContain("this envbot gives Terraform no AWS credentials of its own (ENVBOT_AWS_CREDENTIALS=assume-role)");
    expect(stsCalls(await moto.recording(), "AssumeRole")).toHaveLength(before);
  });
});

describe("oidc: envbot holds no AWS key; STS trusts the tokens it signs", () => {
  const mock = setupGitHubMock();
  let moto: MotoServer;
  let sandbox: EngineSandbox;
  let github: FakeGitHub;
  let githubHttp: GitHubOverHttp;
  let app: AppProcess;
  let recorder: Awaited<ReturnType<typeof terraformRecordingItsEnvironment>>;
  let publicUrl: string;
  const envbot = (argv: string[]) => runEnvbot([...argv, "--github", REPOSITORY], { cwd: sandbox.repoDir, env: sandbox.env, now: new Date() });

  beforeAll(async () => {
    mock.before();
    const [owner, repo] = REPOSITORY.split("/");
    github = new FakeGitHub({ owner, repo, installationId: DEFAULT_INSTALLATION_ID });
    github.install();
    githubApi().get("/app/installations").query(true).reply(200, []).persist();
    githubHttp = await serveGitHubOverHttp();
    moto = await startMoto({ record: true });
    recorder = await terraformRecordingItsEnvironment(await mkdtemp(path.join(tmpdir(), "envbot-oidc-")));
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const settings = {
      AWS_REGION: "us-east-1",
      ENVBOT_AWS_ENDPOINT: moto.endpoint,
      ENVBOT_AWS_CREDENTIALS: "oidc",
      ENVBOT_PUBLIC_URL: publicUrl,
      ENVBOT_AWS_ROLES_ALLOW: ROLES_ALLOW,
    };
    // No AWS key anywhere: not in the CLI's environment, not in the server's.
    sandbox = await createEngineSandbox({ env: { ...settings, TERRAFORM_BIN: recorder.binary } });
    await writeFile(path.join(sandbox.repoDir, ".github", "envbot.yml"), credentialsConfig(APPLY_ROLE, PLAN_ROLE));
    await sandbox.writeDefinition("tea", definitionYaml("tea", "sandbox"));
    // The server, on the same data directory, serves the signing keys the CLI's runs sign with.
    app = await startAppProcess({ ...settings, ENVBOT_DATA_DIR: sandbox.dataDir, GHE_HOST: githubHttp.host, PORT: String(port) });
  });
  afterAll(async () => {
    await app?.killAll();
    await githubHttp?.close();
    github?.uninstall();
    mock.after();
    await sandbox?.cleanup();
    await moto?.stop();
  });

  test("each run presents a token that verifies against the served keys and carries the run's claims; Terraform gets that run's session", async () => {
    const applied = await envbot(["apply", "tea", "--yes"]);
    expect(applied.stderr).not.toContain("Error");
    expect(applied.code).toBe(0);

    const discovery = (await (await fetch(`${publicUrl}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string; id_token_signing_alg_values_supported: string[] };
    expect(discovery).toMatchObject({ issuer: publicUrl, jwks_uri: `${publicUrl}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ["RS256"] });
    // The key set as the server serves it, fetched once without a deadline (jose's remote set gives
    // up after 5 s, which a loaded machine can exceed).
    const keys = createLocalJWKSet((await (await fetch(discovery.jwks_uri)).json()) as JSONWebKeySet);

    const calls = stsCalls(await moto.recording(), "AssumeRoleWithWebIdentity");
    expect(calls.map((call) => call.get("RoleArn"))).toEqual([PLAN_ROLE, APPLY_ROLE]);
    const phases = [];
    for (const call of calls) {
      const { payload, protectedHeader } = await jwtVerify(call.get("WebIdentityToken")!, keys, { issuer: publicUrl, audience: "sts.amazonaws.com" });
      expect(protectedHeader.alg).toBe("RS256");
      const phase = payload.phase as string;
      phases.push(phase);
      expect(payload).toMatchObject({ sub: `repo:${REPOSITORY}:environment:tea`, repository: REPOSITORY, environment: "tea", owner: "@acme/qa" });
      expect(payload["https://aws.amazon.com/tags"]).toEqual({
        principal_tags: { "envbot:environment": ["tea"], "envbot:owner": ["@acme/qa"], "envbot:repository": [REPOSITORY], "envbot:phase": [phase] },
        transitive_tag_keys: [],
      });
      expect(call.get("RoleSessionName")).toBe(`envbot-${phase}-${payload.run_id}-tea`);
      // Exchanged at once: the token lives minutes, not the session's length.
      expect(payload.exp! - payload.iat!).toBe(300);
    }
    expect(phases).toEqual(["plan", "apply"]);

    // Terraform ran with a session of each run's role, never with the same session twice.
    const environments = await recorder.environments();
    for (const env of environments) expect(Object.keys(env).filter((name) => name.startsWith("AWS_")).sort()).toEqual(SESSION_ONLY.filter((name) => name !== "AWS_ENDPOINT_URL"));
    expect(new Set(environments.map((env) => env.AWS_ACCESS_KEY_ID)).size).toBe(2);

    const { text, audit } = await recordedText(sandbox.dataDir, "tea");
    expect(audit.map((entry) => [entry.action, entry.detail])).toEqual([
      ["apply", expect.stringMatching(new RegExp(`^role ${APPLY_ROLE} \\(sts:AssumeRoleWithWebIdentity with a token envbot issued, session envbot-apply-\\d+-tea`))],
      ["plan", expect.stringMatching(new RegExp(`^role ${PLAN_ROLE} \\(sts:AssumeRoleWithWebIdentity with a token envbot issued, session envbot-plan-\\d+-tea`))],
    ]);
    for (const env of environments) {
      for (const secret of [env.AWS_SECRET_ACCESS_KEY!, env.AWS_SESSION_TOKEN!]) expect(`${applied.stdout}${applied.stderr}${text}`).not.toContain(secret);
    }
  });
});
