import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered: its status, or "hung" when it never answered. */
  answer: number | "hung";
}

type Answer = number | "hang" | { status: number; json: unknown };

export interface WebhookReceiver {
  url: string;
  /** Every request, in the order they arrived. */
  requests: ReceivedRequest[];
  /** How the next request is answered: a status, a status with a JSON body (an API's answer), or "hang" (read it, never answer). Default 200. */
  answerWith(decide: (request: { path: string; body: string; index: number }) => Answer): void;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP receiver for outgoing webhooks (signed webhooks, a Slack incoming webhook): it
 * keeps every request with its raw body and answers as the test says, failing the first
 * attempts or hanging like a receiver that took the request and died before answering.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let decide: (request: { path: string; body: string; index: number }) => Answer = () => 200;
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      const answer = decide({ path, body, index: requests.length });
      requests.push({ path, headers: req.headers, body, answer: answer === "hang" ? "hung" : typeof answer === "number" ? answer : answer.status });
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
      if (answer === "hang") return;
      if (typeof answer === "object") res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(answer.json));
      else res.writeHead(answer, { "content-type": "text/plain" }).end(answer < 300 ? "ok" : "unavailable");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerWith(next) {
      decide = next;
    },
    waitFor(count, timeoutMs = 30_000) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the receiver got ${requests.length} requests, not ${count}, within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
