import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { recordedGitHubRequests, setupGitHubMock } from "../helpers/github/github-mock.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";
import { awsTestEnv, startMoto, type MotoServer } from "../helpers/moto-server.js";

// Secrets from AWS Secrets Manager and SSM Parameter Store through the App, on moto with the
// real terraform binary: a pull request plans them, its merge applies them, and templates that
// print their secret wherever they can (an unmarked output, a resource input, an error message
// Terraform wraps across lines) leak them into no plan comment, check run, run record, log,
// event, inventory or API answer, whole, JSON-escaped or base64.

const TOKEN = "sm-token-6f0e2c9d41";
const PASSPHRASE = "ssm passphrase alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo";

const mock = setupGitHubMock();
let moto: MotoServer;
let app: AppHarness;
let api: ControlPlaneServer;

beforeAll(async () => {
  moto = await startMoto();
  const aws = { region: "us-east-1", endpoint: moto.endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
  await new SecretsManagerClient(aws).send(new CreateSecretCommand({ Name: "shop/api", SecretString: JSON.stringify({ token: TOKEN, user: "svc" }) }));
  await new SSMClient(aws).send(new PutParameterCommand({ Name: "/shop/passphrase", Type: "SecureString", Value: PASSPHRASE }));
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  mock.before();
  app = await createAppHarness({ env: { ...awsTestEnv(moto.endpoint), ENVBOT_AWS_ENDPOINT: moto.endpoint, ENVBOT_SECRETS_ALLOW: "*/*=awssecret:shop/*,ssm:/shop/*" } });
  app.github.install();
  app.github.permissions.set("octocat", "write");
  app.github.permissions.set("rita", "read");
  api = await startControlPlaneServer({ store: app.services.engine.store });
});
afterEach(async () => {
  await api.close();
  app.github.uninstall();
  await app.cleanup();
  mock.after();
  expect(api.violations).toEqual([]);
});

test("a pull request plans and its merge applies secrets from Secrets Manager and SSM; no text that leaves envbot holds them", async () => {
  const main = await starterRepository(["leaky-secret", "wrapped-secret"]);
  app.github.commit(sha("main"), main);
  app.github.commit("main", main);
  const files = {
    "environments/leak.yaml": definitionYaml("leak", "leaky-secret", "  secrets:\n    api_token: { fromAwsSecret: shop/api, key: token }\n"),
    "environments/wrap.yaml": definitionYaml("wrap", "wrapped-secret", "  secrets:\n    api_token: { fromSsm: /shop/passphrase }\n"),
  };
  const head = { ...main, ...files };
  app.github.commit(sha("head-7"), head);
  app.github.pullRequests.set(7, { number: 7, headSha: sha("head-7"), baseSha: sha("main"), author: "octocat", files: Object.keys(files).map((filename) => ({ filename, status: "added" })) });
  await app.receive(pullRequestEvent({ action: "opened", number: 7, headSha: sha("head-7"), baseSha: sha("main") }));
  expect(app.github.checks("envbot plan: leak")[0]).toMatchObject({ conclusion: "success" });
  expect(app.github.checks("envbot plan: wrap")[0]).toMatchObject({ conclusion: "success" });
  expect(app.github.botComments(7)[0]!.body).toContain("[redacted]");

  app.github.commit(sha("merged-7"), head);
  app.github.commit("main", head);
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha("merged-7"), number: 7, headSha: sha("head-7"), baseSha: sha("main") }));
  expect(app.github.checks("envbot apply: leak")[0]).toMatchObject({ conclusion: "success" });
  // The wrapped-secret template fails its apply quoting the passphrase, wrapped across lines.
  const [wrapApply] = app.github.checks("envbot apply: wrap");
  expect(wrapApply).toMatchObject({ conclusion: "failure" });
  expect(JSON.stringify(wrapApply)).toContain("The service refused the credential [redacted]");

  const store = app.services.engine.store;
  const repository = app.github.fullName;
  const runs = [...(await store.listRuns(repository, "leak")), ...(await store.listRuns(repository, "wrap"))];
  // Each environment: the pull request's plan, then the merge's plan and apply.
  expect(runs.map((r) => r.kind).sort()).toEqual(["apply", "apply", "plan", "plan", "plan", "plan"]);
  const as = { as: { session: api.sessionFor("rita") } };
  const answers = await Promise.all(
    [`/api/v1/environments/${repository}/leak`, `/api/v1/environments/${repository}/leak/inventory`, `/api/v1/environments/${repository}/wrap`, `/api/v1/runs?repository=${repository}`, `/api/v1/audit?repository=${repository}`].map(
      (path) => api.call("GET", path, as),
    ),
  );
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
  const everything = JSON.stringify({
    github: recordedGitHubRequests().map((request) => request.body),
    runs,
    logs: await Promise.all(runs.map((run) => store.readRunLog(run.id, 0, 10_000))),
    events: await store.pendingEvents(1_000),
    inventory: await store.listInventory(repository, "leak"),
    environments: await store.listEnvironments(repository),
    api: answers.map((answer) => answer.body),
  });
  // The leaky template did put the token into every place it could; all of them say [redacted].
  expect(everything).toContain("token=[redacted]");
  for (const value of [TOKEN, PASSPHRASE]) {
    expect(everything).not.toContain(value);
    expect(everything).not.toContain(Buffer.from(value).toString("base64"));
  }
  // Nor any run of three words of the passphrase, as a wrapped line would hold them.
  expect(everything).not.toMatch(/alpha bravo|delta echo|golf hotel|juliet kilo/);
  // The rest of the JSON secret never reached Terraform.
  expect(everything).not.toContain('"user":"svc"');
});
