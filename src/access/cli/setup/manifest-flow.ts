import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isLoopbackHost } from "../../http/loopback-host.js";
import { sameSecret } from "../../http/same-secret.js";
import { escapeHtml, respondStandalonePage } from "../../http/standalone-page.js";

/** What the flow shows once GitHub created the App and its settings are written: never a secret. */
export interface CreatedApp {
  name: string;
  /** The App's page on GitHub. */
  htmlUrl: string;
  /** Where its settings were written. */
  envFile: string;
  /** The names of the settings written. */
  settings: string[];
  /** What the person must still do by hand (a setting GitHub did not return). */
  warnings: string[];
}

export interface ManifestFlowOptions {
  /** 0: a free one. */
  port: number;
  /** The manifest, given the address GitHub must send the browser back to. */
  manifest: (redirectUrl: string) => object;
  /** GitHub's "new App" page for the manifest, with the state it hands back. */
  formAction: (state: string) => string;
  /** Who the App is created for, as the page says it ("your account", "the organization acme"). */
  owner: string;
  /** Trades GitHub's code for the App and keeps its settings; throws when it cannot. */
  complete: (code: string) => Promise<CreatedApp>;
}

export interface ManifestFlow {
  /** The page to open in a browser. */
  url: string;
  /** The created App; rejects when GitHub's code could not be turned into it. */
  result: Promise<CreatedApp>;
  close: () => Promise<void>;
}

/** The page GitHub sends the browser back to, with `code` and `state`. */
const CALLBACK_PATH = "/callback";

/**
 * The manifest flow on 127.0.0.1: its page posts the manifest to GitHub with a random state;
 * GitHub sends the browser back with a code and that state; a wrong or missing state is refused
 * (400) and nothing is written. The code is handed to `complete` once; then the server stops.
 * Requests for another host name than the server's own are refused, so no other site's page
 * can read the state through a name that points here.
 */
export async function startManifestFlow(options: ManifestFlowOptions): Promise<ManifestFlow> {
  const state = randomBytes(24).toString("base64url");
  let settle: { resolve: (app: CreatedApp) => void; reject: (error: unknown) => void } | undefined;
  const result = new Promise<CreatedApp>((resolve, reject) => (settle = { resolve, reject }));
  let taken = false;
  let origin = "";

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) page(res, 500, "envbot setup failed", `<p>${escapeHtml((error as Error).message)}</p>`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const port = (server.address() as AddressInfo).port;
    if (!isLoopbackHost(req.headers.host, port)) {
      page(res, 421, "Not this address", `<p>Open <a href="${escapeHtml(origin)}/">${escapeHtml(origin)}/</a> instead.</p>`);
      return;
    }
    const url = new URL(req.url ?? "/", origin);
    if (req.method !== "GET") {
      page(res, 405, "Not allowed", "<p>This page only answers GET.</p>");
      return;
    }
    if (url.pathname === "/") {
      startPage(res);
      return;
    }
    if (url.pathname !== CALLBACK_PATH) {
      page(res, 404, "Not found", `<p><a href="/">Start here</a>.</p>`);
      return;
    }
    if (!sameSecret(url.searchParams.get("state"), state)) {
      page(res, 400, "This is not the App envbot setup asked for", "<p>GitHub's answer did not carry the state of this setup (it was missing or wrong), so nothing was written. Start from <a href=\"/\">the setup page</a> of the running <code>envbot setup</code>.</p>");
      return;
    }
    const code = url.searchParams.get("code");
    if (!code) {
      page(res, 400, "GitHub returned no code", "<p>GitHub sent you back without a code, so no App was handed over. <a href=\"/\">Try again</a>.</p>");
      return;
    }
    if (taken) {
      page(res, 409, "Already done", "<p>This setup has handled GitHub's answer already: see the terminal that runs <code>envbot setup</code>.</p>");
      return;
    }
    taken = true;
    try {
      const app = await options.complete(code);
      page(res, 200, "envbot's GitHub App is created", successHtml(app));
      res.once("close", () => settle!.resolve(app));
    } catch (error) {
      page(
        res,
        502,
        "The App's settings were not written",
        `<p>${escapeHtml((error as Error).message)}</p><p>If GitHub created the App, it is listed in your settings under <strong>Developer settings → GitHub Apps</strong>: delete it there and run <code>envbot setup</code> again.</p>`,
      );
      res.once("close", () => settle!.reject(error));
    }
  }

  function startPage(res: ServerResponse): void {
    const manifest = options.manifest(`${origin}${CALLBACK_PATH}`) as { hook_attributes?: { url?: string }; callback_urls?: string[] };
    const action = options.formAction(state);
    page(
      res,
      200,
      "Create envbot's GitHub App",
      `<p>GitHub will show the App this envbot needs, for ${escapeHtml(options.owner)}: its permissions and events from <code>app.yml</code>, webhooks to <code>${escapeHtml(manifest.hook_attributes?.url ?? "")}</code> and sign-in back to <code>${escapeHtml(manifest.callback_urls?.[0] ?? "")}</code>. ` +
        "Give it a name of your own there (GitHub's App names are unique) and create it; GitHub then sends you back here and <code>envbot setup</code> writes the App's settings.</p>" +
        `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(manifest))}"><button type="submit">Create the App on GitHub</button></form>`,
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  // Once GitHub's answer is handled (its page sent), nothing is left to serve: the browser's idle
  // connections close now, one it still holds open shortly after, so the command can end.
  const finish = () => {
    server.close();
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  };
  result.then(finish, finish);
  return { url: `${origin}/`, result, close };
}

/** What to do next, on the page as in the terminal. */
export function nextSteps(app: CreatedApp): string[] {
  return [
    `Install the App on your environments repository: ${app.htmlUrl}/installations/new`,
    "Start envbot: `npm start` in the envbot checkout reads the .env file there.",
  ];
}

function successHtml(app: CreatedApp): string {
  const [install, start] = nextSteps(app);
  return (
    `<p>GitHub created <a href="${escapeHtml(app.htmlUrl)}">${escapeHtml(app.name)}</a>. Its settings (${app.settings.map((name) => `<code>${escapeHtml(name)}</code>`).join(", ")}) are in <code>${escapeHtml(app.envFile)}</code>, readable by you alone; keep that file out of Git.</p>` +
    app.warnings.map((warning) => `<p><strong>${escapeHtml(warning)}</strong></p>`).join("") +
    `<p>Next:</p><ol><li>${linkify(install!)}</li><li>${escapeHtml(start!).replace(/`([^`]+)`/g, "<code>$1</code>")}</li></ol><p>You can close this page.</p>`
  );
}

/** The text, escaped, with its https:// address made a link. */
function linkify(text: string): string {
  const match = /https?:\/\/\S+/.exec(text);
  if (!match) return escapeHtml(text);
  return `${escapeHtml(text.slice(0, match.index))}<a href="${escapeHtml(match[0])}">${escapeHtml(match[0])}</a>${escapeHtml(text.slice(match.index + match[0].length))}`;
}

/** A page of this flow; `html` is escaped where it holds data. */
function page(res: ServerResponse, status: number, title: string, html: string): void {
  respondStandalonePage(res, status, { product: "envbot setup", title, html });
}
