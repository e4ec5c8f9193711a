import { parse } from "yaml";

/**
 * A GitHub App manifest (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest):
 * envbot's app.yml, with the addresses of this envbot filled in.
 */
export interface AppManifest {
  name?: string;
  url?: string;
  hook_attributes: { url: string; active?: boolean };
  redirect_url: string;
  callback_urls: string[];
  default_permissions?: Record<string, string>;
  default_events?: string[];
  [key: string]: unknown;
}

/** Where GitHub's web pages and its REST API are: github.com, or GitHub Enterprise Server (GHE_HOST). */
export interface GitHubLocation {
  /** https://github.com, or https://GHE_HOST. */
  webUrl: string;
  /** https://api.github.com, or https://GHE_HOST/api/v3. */
  apiUrl: string;
}

/** The path envbot takes GitHub's webhooks on (WEBHOOK_PATH's default) and the sign-in's return. */
export const WEBHOOK_PATH = "/api/github/webhooks";
export const SIGN_IN_CALLBACK_PATH = "/auth/callback";

/**
 * app.yml made the manifest of one envbot: GitHub sends webhooks to PUBLIC_URL/api/github/webhooks,
 * sign-in returns to PUBLIC_URL/auth/callback, and the manifest flow returns to `redirectUrl`.
 * Everything else (name, permissions, events) is app.yml's. `publicUrl` has no trailing "/".
 */
export function buildAppManifest(appYml: string, publicUrl: string, redirectUrl: string): AppManifest {
  const parsed: unknown = parse(appYml);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("app.yml is not a GitHub App manifest (a YAML mapping)");
  const manifest = parsed as Record<string, unknown>;
  const hook = manifest.hook_attributes !== null && typeof manifest.hook_attributes === "object" ? (manifest.hook_attributes as Record<string, unknown>) : {};
  return {
    ...manifest,
    hook_attributes: { ...hook, url: `${publicUrl}${WEBHOOK_PATH}` },
    redirect_url: redirectUrl,
    callback_urls: [`${publicUrl}${SIGN_IN_CALLBACK_PATH}`],
  };
}

/** GitHub as Probot and envbot's settings read it: GHE_HOST (and GHE_PROTOCOL) name a GitHub Enterprise Server. */
export function githubLocation(env: NodeJS.ProcessEnv): GitHubLocation {
  if (!env.GHE_HOST) return { webUrl: "https://github.com", apiUrl: "https://api.github.com" };
  const webUrl = `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}`;
  return { webUrl, apiUrl: `${webUrl}/api/v3` };
}

/** What a GitHub organization's login may be: letters, digits and single hyphens. */
export const ORGANIZATION_PATTERN = /^[A-Za-z0-9](?:-?[A-Za-z0-9])*$/;

/**
 * GitHub's "register a new GitHub App" page the manifest is posted to: the person's own account,
 * or an organization's, with the state GitHub hands back on the redirect.
 */
export function newAppFormUrl(webUrl: string, organization: string | undefined, state: string): string {
  const owner = organization === undefined ? "" : `/organizations/${encodeURIComponent(organization)}`;
  return `${webUrl}${owner}/settings/apps/new?state=${encodeURIComponent(state)}`;
}
