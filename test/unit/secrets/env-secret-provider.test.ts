import { envSecretProvider } from "../../../src/adapters/secrets/env-secret-provider.js";

describe("secrets from the server's environment", () => {
  const env = { CHECKOUT_API_TOKEN: "tok", WEBHOOK_SECRET: "whs", PRIVATE_KEY: "pk", AWS_SECRET_ACCESS_KEY: "aws", PGPASSWORD: "pg", TEAM_DB: "db", EMPTY: "" };

  test("a variable the server has is resolved", async () => {
    await expect(envSecretProvider(env).resolve("api_token", { fromEnv: "CHECKOUT_API_TOKEN" })).resolves.toBe("tok");
  });

  test("a missing or empty variable is a readable failure naming the variable", async () => {
    await expect(envSecretProvider(env).resolve("api_token", { fromEnv: "NOPE" })).rejects.toThrow("secret api_token: the envbot server has no environment variable NOPE");
    await expect(envSecretProvider(env).resolve("api_token", { fromEnv: "EMPTY" })).rejects.toThrow("no environment variable EMPTY");
  });

  test.each(["WEBHOOK_SECRET", "PRIVATE_KEY", "AWS_SECRET_ACCESS_KEY", "PGPASSWORD"])("the server's own credential %s can never be read", async (name) => {
    await expect(envSecretProvider(env).resolve("s", { fromEnv: name })).rejects.toThrow(`does not allow reading ${name}`);
  });

  test("with an allow list, only matching names are readable", async () => {
    const provider = envSecretProvider(env, ["CHECKOUT_*"]);
    await expect(provider.resolve("a", { fromEnv: "CHECKOUT_API_TOKEN" })).resolves.toBe("tok");
    await expect(provider.resolve("b", { fromEnv: "TEAM_DB" })).rejects.toThrow("does not allow reading TEAM_DB (see ENVBOT_SECRETS_ALLOW)");
  });
});
