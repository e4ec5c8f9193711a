import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { Octokit } from "@octokit/rest";
import { readPublicUrl } from "../../../adapters/server-env/settings.js";
import { CommandFailure, EXIT, HELP_OPTION, printUsage, UsageError, type CliIO } from "../cli-io.js";
import { buildAppManifest, githubLocation, newAppFormUrl, ORGANIZATION_PATTERN, WEBHOOK_PATH, type GitHubLocation } from "../setup/app-manifest.js";
import { appSettingsFromConversion, formatEnvFile, writeEnvFile, type AppConversion } from "../setup/env-file.js";
import { nextSteps, startManifestFlow, type CreatedApp } from "../setup/manifest-flow.js";
import { packageFile } from "../../../adapters/package-paths.js";

export const setupUsage = `Usage: envbot setup [--org ORG] [--public-url URL] [--dotenv PATH] [--force] [--port N]

Creates envbot's GitHub App from its app.yml through GitHub's App manifest flow and writes the
settings 'npm start' reads into a .env file. Serves a page on 127.0.0.1 to open in a browser:
it sends the manifest to GitHub, where you name the App and create it; GitHub sends you back,
and the App's ID, private key, webhook secret and OAuth client are written to the file (mode
0600), with ENVBOT_PUBLIC_URL. Nothing secret is printed.
GitHub must reach the webhook URL, PUBLIC_URL/api/github/webhooks: set ENVBOT_PUBLIC_URL or
--public-url to envbot's public address (a reverse proxy's, or a tunnel's). With GHE_HOST set,
the App is created on that GitHub Enterprise Server.

Options:
  --org ORG          create the App for the organization ORG (default: your own account)
  --public-url URL   envbot's public address (default: ENVBOT_PUBLIC_URL)
  --dotenv PATH      where to write the settings (default: .env in the current directory)
  --force            replace PATH when it exists (default: refuse)
  --port N           the local page's port (default: a free one)
  -h, --help         show this help

Exit status: 0 the App is created and its settings written, 1 GitHub's answer could not be
turned into them, 2 usage error.`;

/** envbot's manifest, shipped beside dist/ (the package's files). */
const APP_YML = packageFile("app.yml");

export async function setupCommand(args: string[], io: CliIO): Promise<number> {
  // Not --env-file: Node.js 20 takes that word for its own option even after a script's name (nodejs/node#54232).
  const { values } = parseArgs({
    args,
    options: { org: { type: "string" }, "public-url": { type: "string" }, dotenv: { type: "string" }, force: { type: "boolean" }, port: { type: "string" }, ...HELP_OPTION },
  });
  if (values.help) return printUsage(io, setupUsage);
  const publicUrl = publicUrlOf(values["public-url"], io.env);
  const organization = values.org;
  if (organization !== undefined && !ORGANIZATION_PATTERN.test(organization)) throw new UsageError(`--org: '${organization}' is not an organization's login`);
  const port = portOf(values.port);
  const envFile = path.resolve(io.cwd, values.dotenv ?? ".env");
  const replace = values.force === true;
  if (!replace && existsSync(envFile)) throw new UsageError(`${envFile} exists: envbot setup never overwrites it (--force replaces it, --dotenv PATH writes elsewhere)`);
  if (!existsSync(path.dirname(envFile))) throw new UsageError(`--dotenv: there is no directory ${path.dirname(envFile)}`);
  const appYml = await readFile(APP_YML, "utf8");
  const github = githubLocation(io.env);
  const owner = organization === undefined ? "your account" : `the organization ${organization}`;

  let flow;
  try {
    flow = await startManifestFlow({
      port,
      owner: `${owner} on ${github.webUrl}`,
      manifest: (redirectUrl) => buildAppManifest(appYml, publicUrl, redirectUrl),
      formAction: (state) => newAppFormUrl(github.webUrl, organization, state),
      complete: (code) => createApp(github, code, { publicUrl, envFile, replace, env: io.env }),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new UsageError(`--port: port ${port} is in use (leave --port out for a free one)`);
    throw error;
  }
  io.stdout(
    [
      `Open this page in a browser to create envbot's GitHub App for ${owner} on ${github.webUrl}:`,
      "",
      `  ${flow.url}`,
      "",
      `GitHub will send the App's webhooks to ${publicUrl}${WEBHOOK_PATH}. Waiting for GitHub to send you back (Ctrl-C stops)...`,
      "",
    ].join("\n"),
  );
  let app: CreatedApp;
  try {
    app = await flow.result;
  } catch (error) {
    throw new CommandFailure((error as Error).message);
  }
  io.stdout(
    [
      `Created the GitHub App ${app.name}: ${app.htmlUrl}`,
      `Wrote ${app.settings.join(", ")} to ${app.envFile} (readable by you alone; keep it out of Git).`,
      ...app.warnings,
      "Next:",
      ...nextSteps(app).map((step, i) => `  ${i + 1}. ${step}`),
      "",
    ].join("\n"),
  );
  return EXIT.ok;
}

/** --public-url, else ENVBOT_PUBLIC_URL: GitHub must reach the webhook URL made from it. */
function publicUrlOf(option: string | undefined, env: NodeJS.ProcessEnv): string {
  if (option !== undefined) {
    const given = (() => {
      try {
        return readPublicUrl({ ENVBOT_PUBLIC_URL: option });
      } catch {
        return undefined;
      }
    })();
    if (given === undefined) throw new UsageError(`--public-url: '${option}' is not an address like https://envbot.example.com`);
    return given;
  }
  const fromEnv = readPublicUrl(env);
  if (fromEnv === undefined) {
    throw new UsageError(
      `GitHub must reach envbot's webhook URL (PUBLIC_URL${WEBHOOK_PATH}): set ENVBOT_PUBLIC_URL or --public-url to envbot's public address, ` +
        "for example https://envbot.example.com behind a reverse proxy, or a tunnel's address to this machine",
    );
  }
  return fromEnv;
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^[0-9]+$/.test(text) || Number(text) > 65535) throw new UsageError(`--port takes a port number, not '${text}'`);
  return Number(text);
}

/** Trades the manifest's code for the App (no credentials: the code is one) and writes its settings. */
async function createApp(github: GitHubLocation, code: string, options: { publicUrl: string; envFile: string; replace: boolean; env: NodeJS.ProcessEnv }): Promise<CreatedApp> {
  // Octokit's own log would print the failed request on the console: the command says it once, itself.
  const quiet = () => undefined;
  const octokit = new Octokit({ baseUrl: github.apiUrl, userAgent: "envbot-setup", log: { debug: quiet, info: quiet, warn: quiet, error: quiet }, request: { signal: AbortSignal.timeout(30_000) } });
  let conversion: AppConversion;
  try {
    conversion = (await octokit.rest.apps.createFromManifest({ code })).data as unknown as AppConversion;
  } catch (error) {
    throw new Error(`GitHub did not hand over the App: ${(error as Error).message}`);
  }
  if (typeof conversion.id !== "number" || typeof conversion.pem !== "string" || typeof conversion.html_url !== "string") {
    throw new Error("GitHub's answer holds no App (no id, private key or address)");
  }
  const settings = appSettingsFromConversion(conversion, options.publicUrl, options.env);
  const text = formatEnvFile(settings, [
    `envbot's GitHub App ${conversion.name} (${conversion.html_url}), written by envbot setup.`,
    "Secrets: readable by its owner alone, never in Git. npm start reads this file as .env in the envbot checkout.",
  ]);
  try {
    await writeEnvFile(options.envFile, text, { replace: options.replace });
  } catch (error) {
    throw new Error(
      `GitHub created the App (${conversion.html_url}), but its settings could not be written to ${options.envFile}: ${(error as Error).message}. ` +
        "On the App's page, generate a private key and a client secret, and write the settings by hand (docs/getting-started.md).",
    );
  }
  return {
    name: conversion.name,
    htmlUrl: conversion.html_url,
    envFile: options.envFile,
    settings: Object.keys(settings),
    warnings: settings.WEBHOOK_SECRET
      ? []
      : [`GitHub returned no webhook secret: set one on the App's page (${conversion.html_url}) and add it to ${options.envFile} as WEBHOOK_SECRET; envbot does not start without it.`],
  };
}
