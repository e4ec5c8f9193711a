import { readGitHubAppSettings } from "../../src/composition/github-app-settings.js";

const base = { APP_ID: "123", PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----", WEBHOOK_SECRET: "hook-secret" };

describe("the server's GitHub settings for the control plane", () => {
  test("without an OAuth client, sign-in is off; no session secret is derived from the webhook secret (or from anything else)", () => {
    const settings = readGitHubAppSettings(base);
    expect(settings.signIn).toBeUndefined();
    expect(settings.sessionSecret).toBeUndefined();
    expect(readGitHubAppSettings({ ...base, GITHUB_CLIENT_ID: "Iv1.x", GITHUB_CLIENT_SECRET: "s" }).sessionSecret).toBeUndefined();
  });

  test("logs are JSON lines unless a person reads them in a terminal; LOG_FORMAT and LOG_LEVEL choose", () => {
    expect(readGitHubAppSettings(base, { terminal: false }).probotEnv).toMatchObject({ LOG_FORMAT: "json", LOG_LEVEL: "info" });
    expect(readGitHubAppSettings(base, { terminal: true }).probotEnv).toMatchObject({ LOG_FORMAT: "pretty" });
    expect(readGitHubAppSettings({ ...base, LOG_FORMAT: "pretty", LOG_LEVEL: "debug" }, { terminal: false }).probotEnv).toMatchObject({ LOG_FORMAT: "pretty", LOG_LEVEL: "debug" });
  });

  test("a webhook secret shorter than 20 characters is warned about, without its value", () => {
    const weak = readGitHubAppSettings(base);
    expect(weak.warnings).toEqual([expect.stringContaining("WEBHOOK_SECRET is shorter than 20 characters")]);
    expect(weak.warnings.join("\n")).not.toContain(base.WEBHOOK_SECRET);
    expect(readGitHubAppSettings({ ...base, WEBHOOK_SECRET: "x".repeat(20) }).warnings).toEqual([]);
  });

  test("the App's OAuth client turns sign-in on, on github.com or the Enterprise Server of GHE_HOST", () => {
    expect(readGitHubAppSettings({ ...base, GITHUB_CLIENT_ID: "Iv1.x", GITHUB_CLIENT_SECRET: "s", ENVBOT_PUBLIC_URL: "https://envbot.example.com/" }).signIn).toEqual({
      clientId: "Iv1.x",
      clientSecret: "s",
      webUrl: "https://github.com",
      apiUrl: "https://api.github.com",
      publicUrl: "https://envbot.example.com",
    });
    expect(readGitHubAppSettings({ ...base, GITHUB_CLIENT_ID: "Iv1.x", GITHUB_CLIENT_SECRET: "s", GHE_HOST: "ghe.example.com" }).signIn).toMatchObject({
      webUrl: "https://ghe.example.com",
      apiUrl: "https://ghe.example.com/api/v3",
    });
  });

  test("half an OAuth client, a short session secret or a public URL that is no address are refused with what to set", () => {
    expect(() => readGitHubAppSettings({ ...base, GITHUB_CLIENT_ID: "Iv1.x" })).toThrow(/set both/);
    const short = "s3cret-but-31-bytes-long-012345";
    expect(() => readGitHubAppSettings({ ...base, ENVBOT_SESSION_SECRET: short })).toThrow(/^ENVBOT_SESSION_SECRET: at least 32 random bytes/);
    expect(() => readGitHubAppSettings({ ...base, ENVBOT_SESSION_SECRET: short })).not.toThrow(short);
    expect(() => readGitHubAppSettings({ ...base, ENVBOT_PUBLIC_URL: "envbot.example.com" })).toThrow(/ENVBOT_PUBLIC_URL/);
    expect(readGitHubAppSettings({ ...base, ENVBOT_SESSION_SECRET: "s".repeat(32) }).sessionSecret).toBe("s".repeat(32));
  });
});
