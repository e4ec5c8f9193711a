import { envSecretProvider } from "../../../src/adapters/secrets/env-secret-provider.js";
import { isServerVariable } from "../../../src/adapters/server-env/server-variables.js";
import { terraformChildEnv } from "../../../src/adapters/terraform/terraform-child-env.js";

describe("secrets from the server's environment", () => {
  const env = { CHECKOUT_API_TOKEN: "tok", WEBHOOK_SECRET: "whs", PRIVATE_KEY: "pk", AWS_SECRET_ACCESS_KEY: "aws", PGPASSWORD: "pg", TEAM_DB: "db", EMPTY: "" };

  test("a variable the operator allows is resolved", async () => {
    await expect(envSecretProvider(env, ["CHECKOUT_*"]).resolve("api_token", { fromEnv: "CHECKOUT_API_TOKEN" })).resolves.toBe("tok");
  });

  test("secure by default: with no allow list nothing is readable, and the message names the setting", async () => {
    const provider = envSecretProvider(env);
    await expect(provider.resolve("api_token", { fromEnv: "CHECKOUT_API_TOKEN" })).rejects.toThrow(
      "secret api_token: the envbot server does not let definitions read CHECKOUT_API_TOKEN: the envbot server lets definitions read no variable yet (ENVBOT_SECRETS_ALLOW is empty)",
    );
    expect(provider.refusal({ fromEnv: "CHECKOUT_API_TOKEN" })).toContain("ENVBOT_SECRETS_ALLOW is empty");
  });

  test("a missing or empty variable is a readable failure naming the variable", async () => {
    const provider = envSecretProvider(env, ["*"]);
    await expect(provider.resolve("api_token", { fromEnv: "NOPE" })).rejects.toThrow("secret api_token: the envbot server has no environment variable NOPE");
    await expect(provider.resolve("api_token", { fromEnv: "EMPTY" })).rejects.toThrow("no environment variable EMPTY");
  });

  // The names an adversarial review read through fromEnv with the old block list, and their kin.
  test.each([
    "WEBHOOK_SECRET", "PRIVATE_KEY", "AWS_SECRET_ACCESS_KEY", "PGPASSWORD", "PG_CONN_STR", "CLOUDSDK_AUTH_ACCESS_TOKEN",
    "SENTRY_DSN", "REDIS_URL", "GH_TOKEN", "GITHUB_TOKEN", "NPM_TOKEN", "NODE_AUTH_TOKEN", "DATABASE_URL", "ENVBOT_DATABASE_URL", "TF_VAR_other",
  ])("the server's own %s can never be read, even with ENVBOT_SECRETS_ALLOW=*, and the refusal suggests no allow-list change", async (name) => {
    const provider = envSecretProvider({ ...env, [name]: "server-credential" }, ["*"]);
    await expect(provider.resolve("s", { fromEnv: name })).rejects.toThrow(`does not let definitions read ${name}: it is one of the envbot server's own settings or credentials`);
    expect(provider.refusal({ fromEnv: name })).not.toMatch(/ENVBOT_SECRETS_ALLOW/);
  });

  test("whatever envbot passes to Terraform's environment is never readable", () => {
    const server = { PATH: "/bin", HOME: "/root", PG_CONN_STR: "postgres://x", AWS_ACCESS_KEY_ID: "a", GOOGLE_CREDENTIALS: "g", ARM_CLIENT_SECRET: "c", TF_CLI_CONFIG_FILE: "f", SSL_CERT_FILE: "s", HTTPS_PROXY: "p", GOGC: "400", GOMEMLIMIT: "2GiB" };
    const passed = Object.keys(terraformChildEnv(server, {})).filter((name) => name in server);
    expect(passed.sort()).toEqual(Object.keys(server).sort());
    for (const name of passed) expect(isServerVariable(name)).toBe(true);
  });

  test("with an allow list, only matching names are readable, and the refusal lists the patterns", async () => {
    const provider = envSecretProvider(env, ["CHECKOUT_*"]);
    await expect(provider.resolve("a", { fromEnv: "CHECKOUT_API_TOKEN" })).resolves.toBe("tok");
    await expect(provider.resolve("b", { fromEnv: "TEAM_DB" })).rejects.toThrow("it matches none of the server's ENVBOT_SECRETS_ALLOW patterns (CHECKOUT_*)");
  });
});
