import { readGitHubAppSettings } from "../../src/github-app-settings.js";

const base = { APP_ID: "123", PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----", WEBHOOK_SECRET: "hook-secret" };

describe("the server's GitHub settings for the control plane", () => {
  test("without an OAuth client, sign-in is off; sessions are signed with a key derived from the webhook secret, never the secret itself", () => {
    const settings = readGitHubAppSettings(base);
    expect(settings.signIn).toBeUndefined();
    expect(settings.sessionSecret).not.toBe(base.WEBHOOK_SECRET);
    expect(settings.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(readGitHubAppSettings(base).sessionSecret).toBe(settings.sessionSecret);
    expect(readGitHubAppSettings({ ...base, WEBHOOK_SECRET: "other" }).sessionSecret).not.toBe(settings.sessionSecret);
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
    expect(() => readGitHubAppSettings({ ...base, ENVBOT_SESSION_SECRET: "short" })).toThrow(/at least 32 characters/);
    expect(() => readGitHubAppSettings({ ...base, ENVBOT_PUBLIC_URL: "envbot.example.com" })).toThrow(/ENVBOT_PUBLIC_URL/);
    expect(readGitHubAppSettings({ ...base, ENVBOT_SESSION_SECRET: "s".repeat(32) }).sessionSecret).toBe("s".repeat(32));
  });
});
