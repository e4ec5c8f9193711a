import { composeSecretProvider } from "../../../src/adapters/secrets/compose-secret-provider.js";
import { envSecretSource } from "../../../src/adapters/secrets/env-secret-source.js";
import type { SecretSource } from "../../../src/adapters/secrets/secret-source.js";
import { readSecretSettings, SettingsError } from "../../../src/adapters/server-env/settings.js";
import { parseSecretAllowRules } from "../../../src/core/secrets/secret-allow-rules.js";

/** A source that answers with the name it was asked for, to see what reaches it. */
const echo: SecretSource = { read: async ({ name }) => `value of ${name}` };

function provider(allow: string, withFile = true) {
  return composeSecretProvider({
    allow: parseSecretAllowRules(allow),
    sources: { env: envSecretSource({ DB_PASSWORD: "db", SHARED_TOKEN: "shared" }), awssecret: echo, ssm: echo, ...(withFile && { file: echo }) },
    unconfigured: { file: "this envbot server mounts no secrets directory (ENVBOT_SECRETS_DIR is not set)" },
  });
}

describe("ENVBOT_SECRETS_ALLOW: sources and names per repository", () => {
  test("the old syntax keeps its meaning: bare globs allow variables, for every repository", () => {
    expect(parseSecretAllowRules("DB_*, API_TOKEN")).toEqual({ rules: [{ source: "env", pattern: "DB_*" }, { source: "env", pattern: "API_TOKEN" }] });
    const p = provider("DB_*");
    expect(p.refusal({ fromEnv: "DB_PASSWORD" }, "acme/shop")).toBeUndefined();
    expect(p.refusal({ fromEnv: "DB_PASSWORD" })).toBeUndefined();
    expect(p.refusal({ fromSsm: "/app/db" }, "acme/shop")).toMatch(/lets acme\/shop read no SSM parameter \(no ssm:PATTERN for it\)/);
  });

  test("a repository's group allows its sources and names to that repository alone", async () => {
    const p = provider("SHARED_*; acme/shop=env:DB_*,ssm:/shop/*,awssecret:shop/*,file:shop/*");
    expect(p.refusal({ fromSsm: "/shop/db/password" }, "acme/shop")).toBeUndefined();
    expect(p.refusal({ fromSsm: "/shop/db/password" }, "Acme/Shop")).toBeUndefined(); // GitHub's names ignore case
    expect(p.refusal({ fromAwsSecret: "shop/db", key: "password" }, "acme/shop")).toBeUndefined();
    expect(p.refusal({ fromFile: "shop/tls.key" }, "acme/shop")).toBeUndefined();
    expect(p.refusal({ fromEnv: "DB_PASSWORD" }, "acme/shop")).toBeUndefined();
    expect(p.refusal({ fromEnv: "SHARED_TOKEN" }, "acme/shop")).toBeUndefined();
    await expect(p.resolve("db", { fromSsm: "/shop/db/password" }, "acme/shop")).resolves.toBe("value of /shop/db/password");

    // Another repository, or no repository (a local validate), gets only what every repository gets.
    expect(p.refusal({ fromSsm: "/shop/db/password" }, "acme/blog")).toMatch(/lets acme\/blog read no SSM parameter/);
    expect(p.refusal({ fromEnv: "DB_PASSWORD" }, "acme/blog")).toBe(
      "it matches none of the server's ENVBOT_SECRETS_ALLOW patterns (SHARED_*); whoever runs envbot can allow it there",
    );
    expect(p.refusal({ fromSsm: "/blog/x" })).toMatch(/lets this repository read no SSM parameter/);
    // Within the repository, a name outside its patterns is refused, naming the patterns of that source.
    expect(p.refusal({ fromSsm: "/other/x" }, "acme/shop")).toBe(
      "it matches none of the server's ENVBOT_SECRETS_ALLOW patterns (ssm:/shop/*); whoever runs envbot can allow it there",
    );
    await expect(p.resolve("x", { fromAwsSecret: "prod/db" }, "acme/shop")).rejects.toThrow(
      "secret x: the envbot server does not let definitions read the Secrets Manager secret prod/db: it matches none of the server's ENVBOT_SECRETS_ALLOW patterns (awssecret:shop/*)",
    );
  });

  test("a repository glob covers an owner's repositories; an ARN pattern keeps its colons", () => {
    const p = provider("acme/*=awssecret:arn:aws:secretsmanager:us-east-1:123456789012:secret:shared/*");
    expect(p.refusal({ fromAwsSecret: "arn:aws:secretsmanager:us-east-1:123456789012:secret:shared/db-AbCdEf" }, "acme/blog")).toBeUndefined();
    expect(p.refusal({ fromAwsSecret: "shared/db" }, "acme/blog")).toMatch(/matches none/);
    expect(p.refusal({ fromAwsSecret: "arn:aws:secretsmanager:us-east-1:123456789012:secret:shared/db-AbCdEf" }, "other/blog")).toMatch(/read no Secrets Manager secret/);
  });

  test("the server's own variables stay unreadable and a missing secrets directory is said, whatever the rules", () => {
    const p = provider("*/*=env:*,file:*", false);
    expect(p.refusal({ fromEnv: "ENVBOT_DATABASE_URL" }, "acme/shop")).toMatch(/one of the envbot server's own settings or credentials/);
    expect(p.refusal({ fromFile: "db/password" }, "acme/shop")).toBe("this envbot server mounts no secrets directory (ENVBOT_SECRETS_DIR is not set)");
  });

  test("nothing is allowed by default, and the message names the setting", () => {
    expect(provider("").refusal({ fromAwsSecret: "prod/db" }, "acme/shop")).toBe(
      "the envbot server lets definitions read no Secrets Manager secret yet (ENVBOT_SECRETS_ALLOW is empty); whoever runs envbot can allow this one there",
    );
  });

  test.each([
    ["vault:kv/*", "'vault:kv/*' names no source envbot knows: write env:, awssecret:, ssm: or file: before the pattern"],
    ["ssm:", "'ssm:' has no pattern after 'ssm:'"],
    ["not a repo=ssm:/x", "'not a repo' is not a repository like OWNER/NAME (or a glob like OWNER/*) before '='"],
  ])("a mistake in %s stops the server at start with a clear message", (value, message) => {
    expect(() => readSecretSettings({ ENVBOT_SECRETS_ALLOW: value })).toThrow(new SettingsError(`ENVBOT_SECRETS_ALLOW: ${message}`));
  });

  test("ENVBOT_SECRETS_DIR is resolved where the server starts", () => {
    expect(readSecretSettings({ ENVBOT_SECRETS_DIR: "run/secrets" }, "/srv").secretsDir).toBe("/srv/run/secrets");
    expect(readSecretSettings({}).secretsDir).toBeUndefined();
  });
});
