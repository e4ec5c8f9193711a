import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { GITHUB_API } from "./github-mock.js";

/** GitHub Enterprise Server's API prefix, which Probot adds for GHE_HOST. */
const API_PREFIX = "/api/v3";
/** GitHub's archive host, which the API's tarball answers redirect to; here under /_codeload as on GitHub Enterprise Server. */
const CODELOAD = "https://codeload.github.com";
const CODELOAD_PREFIX = "/_codeload";

export interface GitHubOverHttp {
  /** For GHE_HOST (with GHE_PROTOCOL=http): "127.0.0.1:PORT". */
  host: string;
  /**
   * Keeps the requests whose "METHOD /path" matches waiting until `release()`: how a test stops
   * envbot at a known point of a job. `arrived` resolves when the first one comes in. A held
   * request whose client is gone by then (the process was killed) is dropped, never forwarded.
   */
  hold(pattern: RegExp): { arrived: Promise<void>; release(): void };
  close(): Promise<void>;
}

/**
 * GitHub's API, as this test process mocks it (setupGitHubMock, FakeGitHub: nock, with every
 * request checked against GitHub's OpenAPI description), served over real HTTP on 127.0.0.1 for
 * an envbot that runs as a process of its own. Each request is sent on to api.github.com from
 * this process, where nock answers it; the answer goes back unchanged.
 */
export async function serveGitHubOverHttp(): Promise<GitHubOverHttp> {
  const holds: { pattern: RegExp; released: boolean; waiting: (() => void)[]; arrive: () => void }[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? "/").replace(new RegExp(`^${API_PREFIX}`), "");
      const hold = holds.find((h) => !h.released && h.pattern.test(`${req.method} ${path}`));
      if (hold) {
        hold.arrive();
        await new Promise<void>((resolve) => hold.waiting.push(resolve));
        if (req.socket.destroyed) return;
      }
      forward(req, path, body, res);
    })().catch((error: unknown) => {
      res.writeHead(502, { "content-type": "text/plain" }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    host: `127.0.0.1:${port}`,
    hold(pattern) {
      let arrive!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const hold = { pattern, released: false, waiting: [] as (() => void)[], arrive };
      holds.push(hold);
      return {
        arrived,
        release() {
          hold.released = true;
          for (const resume of hold.waiting.splice(0)) resume();
        },
      };
    },
    async close() {
      for (const hold of holds) {
        hold.released = true;
        for (const resume of hold.waiting.splice(0)) resume();
      }
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function forward(req: IncomingMessage, path: string, body: Buffer, res: ServerResponse): void {
  const headers: Record<string, string> = {};
  for (const name of ["accept", "authorization", "content-type", "if-none-match", "user-agent", "x-github-api-version"]) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  if (body.length > 0) headers["content-length"] = String(body.length);
  // https.request read at call time: nock replaces it when a test activates its mocks.
  const target = path.startsWith(`${CODELOAD_PREFIX}/`) ? `${CODELOAD}${path.slice(CODELOAD_PREFIX.length)}` : `${GITHUB_API}${path}`;
  const upstream = https.request(target, { method: req.method, headers }, (answer) => {
    const answerHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (typeof value === "string" && name !== "transfer-encoding" && name !== "content-length") answerHeaders[name] = value;
    }
    // A Link header names api.github.com: point the next page back here.
    if (answerHeaders.link) answerHeaders.link = answerHeaders.link.replaceAll(GITHUB_API, `http://${req.headers.host}${API_PREFIX}`);
    if (answerHeaders.location?.startsWith(CODELOAD)) answerHeaders.location = answerHeaders.location.replace(CODELOAD, `http://${req.headers.host}${CODELOAD_PREFIX}`);
    const chunks: Buffer[] = [];
    answer.on("data", (chunk: Buffer) => chunks.push(chunk));
    answer.on("end", () => res.writeHead(answer.statusCode ?? 502, answerHeaders).end(Buffer.concat(chunks)));
  });
  upstream.on("error", (error) => res.writeHead(502, { "content-type": "text/plain" }).end(String(error)));
  upstream.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
