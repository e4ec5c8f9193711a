import { createHash } from "node:crypto";
import path from "node:path";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { awsTestEnv, startMoto, type MotoServer } from "../helpers/moto-server.js";
import { runEnvbot } from "../helpers/run-cli.js";

// Secrets from AWS Secrets Manager and SSM Parameter Store, read by envbot on moto and handed to
// the real terraform binary: they reach the template and nothing envbot writes or prints.

const DB_PASSWORD = "pw-from-secrets-manager-4c1e9";
const FLAG_TOKEN = "token-from-ssm-securestring-77d0";
const PLAIN_SECRET = "plain-text-secret-9b2a";
const REPOSITORY = "acme/shop";
const GREETING = "hello from parameter store";
const secrets = `  secrets:
    db_password: { fromAwsSecret: shop/db, key: password, version: AWSCURRENT }
    flag_token: { fromSsm: /shop/flag-token }
`;

let moto: MotoServer;
let sandbox: EngineSandbox;
const envbot = (argv: string[], env: NodeJS.ProcessEnv = {}) => runEnvbot(argv, { cwd: sandbox.repoDir, env: { ...sandbox.env, ...env }, now: new Date() });

beforeAll(async () => {
  moto = await startMoto();
  const aws = awsTestEnv(moto.endpoint);
  const config = { region: "us-east-1", endpoint: moto.endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
  await new SecretsManagerClient(config).send(new CreateSecretCommand({ Name: "shop/db", SecretString: JSON.stringify({ username: "app", password: DB_PASSWORD }) }));
  await new SecretsManagerClient(config).send(new CreateSecretCommand({ Name: "shop/plain", SecretString: `{not json ${PLAIN_SECRET}` }));
  await new SSMClient(config).send(new PutParameterCommand({ Name: "/shop/flag-token", Type: "SecureString", Value: FLAG_TOKEN }));
  await new SSMClient(config).send(new PutParameterCommand({ Name: "/shop/greeting", Type: "String", Value: GREETING }));
  sandbox = await createEngineSandbox({
    templates: ["cloud-secrets"],
    env: {
      ...aws,
      ENVBOT_AWS_ENDPOINT: moto.endpoint,
      // Every repository may read /shared/*; only acme/shop its own secrets.
      ENVBOT_SECRETS_ALLOW: `ssm:/shared/*; ${REPOSITORY}=awssecret:shop/*,ssm:/shop/*`,
    },
  });
  await sandbox.writeDefinition("shop", definitionYaml("shop", "cloud-secrets", secrets));
}, 60_000);
afterAll(async () => {
  await sandbox?.cleanup();
  await moto?.stop();
});

test("a Secrets Manager JSON key and an SSM SecureString reach the template, and neither value appears in any output, record, event or inventory", async () => {
  const planned = await envbot(["plan", "shop", "--github", REPOSITORY]);
  expect(planned).toMatchObject({ code: 0 });
  const applied = await envbot(["apply", "shop", "--yes", "--json", "--github", REPOSITORY]);
  expect(applied).toMatchObject({ code: 0 });
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  expect(JSON.parse(applied.stdout)).toMatchObject({ outcome: "applied", outputs: { db_password_sha256: sha256(DB_PASSWORD), flag_token_sha256: sha256(FLAG_TOKEN) } });
  const inventory = await envbot(["inventory", "shop", "--json", "--github", REPOSITORY]);
  expect(inventory).toMatchObject({ code: 0, stdout: expect.stringContaining("terraform_data.uses_secrets") });

  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  let recorded: string;
  try {
    const runs = await store.listRuns(REPOSITORY, "shop");
    expect(runs.map((r) => r.kind).sort()).toEqual(["apply", "plan", "plan"]);
    const logs = await Promise.all(runs.map((r) => store.readRunLog(r.id, 0, 10_000)));
    expect(logs.flat().length).toBeGreaterThan(0);
    const events = await store.pendingEvents(1_000);
    expect(events.length).toBeGreaterThan(0);
    recorded = JSON.stringify({
      runs,
      logs,
      events,
      environments: await store.listEnvironments(REPOSITORY),
      inventory: await store.listInventory(REPOSITORY, "shop"),
      audit: await store.listAudit({ repositories: [REPOSITORY], limit: 1_000 }),
    });
  } finally {
    await store.close();
  }
  const everything = [planned.stdout, planned.stderr, applied.stdout, applied.stderr, inventory.stdout, inventory.stderr, recorded].join("\n");
  for (const value of [DB_PASSWORD, FLAG_TOKEN]) {
    expect(everything).not.toContain(value);
    expect(everything).not.toContain(Buffer.from(value).toString("base64"));
  }
  // The whole JSON secret was read, but only the key's value is a secret of this run: the rest never reaches Terraform.
  expect(everything).not.toContain("username");
});

test("a source the server refuses for a repository is an error at its line in validate, and the plan stops before Terraform", async () => {
  await sandbox.writeDefinition("other", definitionYaml("other", "cloud-secrets", `  secrets:
    db_password: { fromAwsSecret: shop/db, key: password }
    flag_token: { fromFile: flag-token }
`));
  const validated = await envbot(["validate", "environments/other.yaml"]);
  expect(validated.code).toBe(1);
  expect(validated.stdout).toContain(
    "environments/other.yaml:9:35: spec.secrets.db_password.fromAwsSecret: the envbot server will not read this Secrets Manager secret: the server's ENVBOT_SECRETS_ALLOW lets this repository read no Secrets Manager secret (no awssecret:PATTERN for it)",
  );
  expect(validated.stdout).toContain(
    "environments/other.yaml:10:29: spec.secrets.flag_token.fromFile: the envbot server will not read this secrets file: this envbot server mounts no secrets directory (ENVBOT_SECRETS_DIR is not set)",
  );
  // Judged for the repository they are allowed to, the same references pass but for the file.
  const forShop = await envbot(["validate", "--github", REPOSITORY, "environments/other.yaml"]);
  expect(forShop.stdout.trim().split("\n").filter((line) => line.includes("other.yaml:"))).toEqual([expect.stringContaining("spec.secrets.flag_token.fromFile")]);
  const planned = await envbot(["plan", "other", "--github", "acme/blog"]);
  expect(planned.code).toBe(1);
  expect(planned.stderr).toContain("spec.secrets.db_password.fromAwsSecret: the envbot server will not read this Secrets Manager secret: the server's ENVBOT_SECRETS_ALLOW lets acme/blog read no Secrets Manager secret");
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    expect(await store.listRuns("acme/blog", "other")).toEqual([]);
  } finally {
    await store.close();
  }
});

test("a JSON key a secret lacks, or a secret that is no JSON, fails the plan readably without quoting the secret", async () => {
  const withKey = (secret: string, key: string) => `  secrets:
    db_password: { fromAwsSecret: ${secret}, key: ${key} }
    flag_token: { fromSsm: /shop/flag-token }
`;
  await sandbox.writeDefinition("missing-key", definitionYaml("missing-key", "cloud-secrets", withKey("shop/db", "nope")));
  await sandbox.writeDefinition("not-json", definitionYaml("not-json", "cloud-secrets", withKey("shop/plain", "password")));
  await sandbox.writeDefinition("absent", definitionYaml("absent", "cloud-secrets", withKey("shop/absent", "password")));
  const missingKey = await envbot(["plan", "missing-key", "--github", REPOSITORY]);
  const notJson = await envbot(["plan", "not-json", "--github", REPOSITORY]);
  const absent = await envbot(["plan", "absent", "--github", REPOSITORY]);
  expect(missingKey).toMatchObject({ code: 1, stderr: expect.stringContaining("secret db_password: the Secrets Manager secret shop/db is not a JSON object with a text or number at the key 'nope'") });
  expect(notJson).toMatchObject({ code: 1, stderr: expect.stringContaining("secret db_password: the Secrets Manager secret shop/plain is not a JSON object with a text or number at the key 'password'") });
  expect(absent).toMatchObject({ code: 1, stderr: expect.stringContaining("secret db_password: the Secrets Manager secret shop/absent does not exist (or not in that version) in the server's AWS account and region") });
  const everything = [missingKey, notJson, absent].map((r) => r.stdout + r.stderr).join("\n");
  for (const value of [DB_PASSWORD, PLAIN_SECRET, "username"]) expect(everything).not.toContain(value);
});

test("spec.config takes a variable's value from an SSM String parameter at plan time: the plan shows it, the apply uses it, the audit names where it came from", async () => {
  await sandbox.writeDefinition("configured", definitionYaml("configured", "sandbox", "  config:\n    greeting: { fromSsm: /shop/greeting }\n"));
  expect((await envbot(["validate", "--github", REPOSITORY, "environments/configured.yaml"])).code).toBe(0);
  const planned = await envbot(["plan", "configured", "--github", REPOSITORY]);
  expect(planned.code).toBe(0);
  expect(planned.stdout + planned.stderr).toContain(GREETING);
  const applied = await envbot(["apply", "configured", "--yes", "--json", "--github", REPOSITORY]);
  expect(applied.code).toBe(0);
  expect(JSON.parse(applied.stdout)).toMatchObject({ outcome: "applied", outputs: { greeting: GREETING } });
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    const audit = await store.listAudit({ repositories: [REPOSITORY], limit: 100 });
    expect(audit.find((entry) => entry.environment === "configured" && entry.action === "plan")).toMatchObject({ detail: "config: greeting from the SSM parameter /shop/greeting" });
  } finally {
    await store.close();
  }
});

test("spec.config refuses a SecureString at plan time, and validate reports a variable the template lacks, one set twice and a parameter not allowed at their lines", async () => {
  await sandbox.writeDefinition("secure-config", definitionYaml("secure-config", "sandbox", "  config:\n    greeting: { fromSsm: /shop/flag-token }\n"));
  const secure = await envbot(["plan", "secure-config", "--github", REPOSITORY]);
  expect(secure.code).toBe(1);
  expect(secure.stderr).toContain("config greeting: the SSM parameter /shop/flag-token is a SecureString; plans show configuration, so take it under spec.secrets");
  expect(secure.stdout + secure.stderr).not.toContain(FLAG_TOKEN);

  await sandbox.writeDefinition("bad-config", definitionYaml("bad-config", "sandbox", `  variables:
    greeting: hi
  config:
    greeting: { fromSsm: /shop/greeting }
    colour: { fromSsm: /shop/colour }
    replicas: { fromSsm: /billing/replicas }
`));
  const validated = await envbot(["validate", "--github", REPOSITORY, "environments/bad-config.yaml"]);
  expect(validated.code).toBe(1);
  const lines = validated.stdout.split("\n").filter((line) => line.includes("bad-config.yaml:"));
  expect(lines).toEqual([
    expect.stringMatching(/bad-config\.yaml:11:5: spec\.config\.greeting: 'greeting' is set under spec\.variables too: give it one value, there or here$/),
    expect.stringMatching(/bad-config\.yaml:12:5: spec\.config\.colour: template 'sandbox' takes no variable named 'colour'; it takes: greeting, replicas$/),
    expect.stringMatching(/bad-config\.yaml:13:26: spec\.config\.replicas\.fromSsm: the envbot server will not read this SSM parameter: .*ENVBOT_SECRETS_ALLOW/),
  ]);
});
