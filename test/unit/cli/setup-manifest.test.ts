import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { buildAppManifest, githubLocation, newAppFormUrl, ORGANIZATION_PATTERN } from "../../../src/access/cli/setup/app-manifest.js";
import { projectRoot } from "../../helpers/fixtures.js";

// envbot setup's manifest: the repository's app.yml with this envbot's addresses filled in.
const appYml = readFileSync(path.join(projectRoot, "app.yml"), "utf8");
const source = parse(appYml) as Record<string, unknown>;

describe("the manifest envbot setup posts to GitHub", () => {
  const manifest = buildAppManifest(appYml, "https://envbot.example.com", "http://127.0.0.1:4567/callback");

  test("webhooks go to PUBLIC_URL/api/github/webhooks, sign-in returns to PUBLIC_URL/auth/callback, the flow to its own page", () => {
    expect(manifest.hook_attributes).toEqual({ url: "https://envbot.example.com/api/github/webhooks" });
    expect(manifest.callback_urls).toEqual(["https://envbot.example.com/auth/callback"]);
    expect(manifest.redirect_url).toBe("http://127.0.0.1:4567/callback");
    expect(JSON.stringify(manifest)).not.toContain("example.invalid");
  });

  test("app.yml's name, permissions and events are kept as they are", () => {
    expect(manifest.default_permissions).toEqual(source.default_permissions);
    expect(manifest.default_events).toEqual(source.default_events);
    expect(manifest.default_permissions).toMatchObject({ checks: "write", contents: "write", members: "read" });
    expect(manifest.default_events).toEqual(expect.arrayContaining(["pull_request", "push", "issue_comment"]));
    expect({ name: manifest.name, url: manifest.url, public: manifest.public, description: manifest.description }).toEqual({
      name: source.name,
      url: source.url,
      public: source.public,
      description: source.description,
    });
  });

  test("other hook attributes of app.yml stay; a file that is no mapping is refused", () => {
    expect(buildAppManifest("name: x\nhook_attributes:\n  active: true\n  url: https://old\n", "https://e.example", "http://127.0.0.1:1/callback").hook_attributes).toEqual({
      active: true,
      url: "https://e.example/api/github/webhooks",
    });
    expect(() => buildAppManifest("- a list\n", "https://e.example", "http://r")).toThrow("not a GitHub App manifest");
  });
});

describe("where the manifest goes", () => {
  test("a personal account, or an organization, on github.com; the state goes along", () => {
    expect(newAppFormUrl("https://github.com", undefined, "s t")).toBe("https://github.com/settings/apps/new?state=s%20t");
    expect(newAppFormUrl("https://github.com", "acme", "abc")).toBe("https://github.com/organizations/acme/settings/apps/new?state=abc");
  });

  test("GitHub Enterprise Server when GHE_HOST is set: its pages and its API under /api/v3", () => {
    expect(githubLocation({})).toEqual({ webUrl: "https://github.com", apiUrl: "https://api.github.com" });
    expect(githubLocation({ GHE_HOST: "ghe.example.com" })).toEqual({ webUrl: "https://ghe.example.com", apiUrl: "https://ghe.example.com/api/v3" });
    expect(githubLocation({ GHE_HOST: "ghe.test:8080", GHE_PROTOCOL: "http" }).apiUrl).toBe("http://ghe.test:8080/api/v3");
  });

  test("an organization is a login, never a path", () => {
    for (const good of ["acme", "a", "acme-corp", "A1-b2"]) expect(ORGANIZATION_PATTERN.test(good)).toBe(true);
    for (const bad of ["", "-acme", "acme-", "a--b", "acme/x", "../x", "a b", "acme?x"]) expect(ORGANIZATION_PATTERN.test(bad)).toBe(false);
  });
});
