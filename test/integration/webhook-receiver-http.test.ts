import { rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import path from "node:path";
import { MAX_WEBHOOK_BODY_BYTES } from "../../src/access/github/receive-webhook.js";
import { createAppHarness, sha, type AppHarness } from "../helpers/app-harness.js";
import { startEnvbotHttpServer, type RunningHttpServer } from "../helpers/envbot-http-server.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { deliverWebhook, signWebhook } from "../helpers/github/signed-delivery.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/github/test-probot.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// Issue 9, items 7 and 9: the App's HTTP server refuses oversized and unsigned webhook bodies
// without reading them, and its readiness endpoint reports a deleted database.

const MiB = 1024 * 1024;
const mock = setupGitHubMock();
let app: AppHarness;
let server: RunningHttpServer;

beforeEach(async () => {
  mock.before();
  app = await createAppHarness();
  server = await startEnvbotHttpServer(app.services);
});
afterEach(async () => {
  await server.close();
  await app.cleanup();
  mock.after();
});

/** A delivery the app handles without calling GitHub: a pull request closed without merging. */
const closedPullRequest = () => pullRequestEvent({ action: "closed", merged: false, number: 31, headSha: sha("head-31"), baseSha: sha("main") });

/** Whether the app recorded (so processed) this delivery. Recording it here is harmless after. */
async function reachedTheApp(deliveryId: string): Promise<boolean> {
  await app.services.queue.idle();
  return !(await app.services.engine.store.recordDelivery(deliveryId));
}

function webhookHeaders(event: { name: string; id: string }, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return { "content-type": "application/json", "x-github-event": event.name, "x-github-delivery": event.id, ...extra };
}

interface Answer {
  status: number;
  body: string;
  /** Body bytes the client had written when the answer came. */
  sent: number;
  /** The server ends the connection: the unread rest of a refused body is never read. */
  closes: boolean;
}

/**
 * POSTs on a raw TCP connection: the headers at once, then `body` (none, or chunks, written as the
 * socket takes them; chunked when no content-length is given) until the server answers. Fails
 * when no answer comes within `timeoutMs`: a server waiting for a body it should refuse.
 * Not node:http's client: nock, loaded in this worker, buffers a whole request body before
 * passing it on, which would hide what the server does and count against its memory.
 */
function post(options: { headers: Record<string, string | number>; body?: Iterable<Buffer>; timeoutMs?: number }): Promise<Answer> {
  const { headers, body = [], timeoutMs = 5000 } = options;
  const chunked = headers["content-length"] === undefined;
  const url = new URL(server.webhookUrl);
  const head = [`POST ${url.pathname} HTTP/1.1`, `host: ${url.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), ...(chunked ? ["transfer-encoding: chunked"] : [])];
  return new Promise((resolve, reject) => {
    let answer: Answer | undefined;
    let sent = 0;
    let received = Buffer.alloc(0);
    const socket = connect(Number(url.port), url.hostname);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms (${sent} body bytes sent)`));
    }, timeoutMs);
    const finish = (result: Answer | Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    socket.on("data", (data: Buffer) => {
      received = Buffer.concat([received, data]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [statusLine = "", ...lines] = received.subarray(0, end).toString("latin1").split("\r\n");
      const fields = new Map(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
      const text = received.subarray(end + 4);
      if (text.length < Number(fields.get("content-length") ?? 0)) return;
      answer = { status: Number(statusLine.split(" ")[1]), body: text.toString("utf8"), sent, closes: fields.get("connection") === "close" };
      finish(answer);
    });
    // Once answered, the server may reset the connection while we still write: that is the point.
    socket.on("error", (error) => answer ?? finish(error));
    socket.on("close", () => answer ?? finish(new Error(`connection closed without an answer (${sent} body bytes sent)`)));
    const write = async () => {
      const frame = (data: Buffer) => (chunked ? [Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from("\r\n")] : [data]);
      socket.write(`${head.join("\r\n")}\r\n\r\n`);
      for (const chunk of body) {
        if (answer || socket.destroyed) return;
        sent += chunk.length;
        const writes = frame(chunk).map((part) => socket.write(part));
        if (writes.includes(false)) await drainedOrClosed(socket);
      }
      if (chunked && !answer && !socket.destroyed) socket.write("0\r\n\r\n");
    };
    void write();
  });
}

/** Until the socket takes more, or it is closed. */
function drainedOrClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const events = ["drain", "close"] as const;
    const done = () => {
      for (const event of events) socket.off(event, done);
      resolve();
    };
    for (const event of events) socket.on(event, done);
  });
}

/** `total` bytes in slices of one reused buffer: a large body that costs the client no memory. */
function* zeros(total: number, slice = 64 * 1024): Iterable<Buffer> {
  const buffer = Buffer.alloc(slice);
  for (let left = total; left > 0; left -= slice) yield left >= slice ? buffer : buffer.subarray(0, left);
}

function* slices(data: Buffer, size = MiB): Iterable<Buffer> {
  for (let start = 0; start < data.length; start += size) yield data.subarray(start, start + size);
}

test("a signed delivery is answered 200 and reaches the app", async () => {
  const event = closedPullRequest();
  const response = await deliverWebhook({ url: server.webhookUrl, secret: TEST_WEBHOOK_SECRET, ...event });
  expect(response).toEqual({ status: 200, body: "ok\n" });
  expect(await reachedTheApp(event.id)).toBe(true);
});

test("a body declared at 200 MiB is refused with 413 from its headers, before a byte of it is sent", async () => {
  const event = closedPullRequest();
  const answer = await post({ headers: webhookHeaders(event, { "content-length": 200 * MiB, "x-hub-signature-256": `sha256=${"0".repeat(64)}` }) });
  expect(answer).toMatchObject({ status: 413, sent: 0, closes: true });
  expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining("GitHub's cap") });
  expect(await reachedTheApp(event.id)).toBe(false);
});

test("a chunked body streaming past 25 MB is cut off with 413, and the app never sees it, signed as it is", async () => {
  const event = closedPullRequest();
  // A correctly signed, valid delivery, only too large: what GitHub itself would never send.
  const body = Buffer.from(JSON.stringify({ ...event.payload, padding: "x".repeat(MAX_WEBHOOK_BODY_BYTES) }));
  const answer = await post({ headers: webhookHeaders(event, { "x-hub-signature-256": signWebhook(TEST_WEBHOOK_SECRET, body.toString("utf8")) }), body: slices(body) });
  expect(answer).toMatchObject({ status: 413, closes: true });
  expect(await reachedTheApp(event.id)).toBe(false);
});

test("an unsigned delivery is refused with 401 from its headers; a wrongly signed one with 400; neither is processed", async () => {
  const unsigned = closedPullRequest();
  // Headers only: the answer must not wait for the declared body.
  expect(await post({ headers: webhookHeaders(unsigned, { "content-length": MiB }) })).toMatchObject({ status: 401, sent: 0, closes: true });

  const forged = closedPullRequest();
  const response = await deliverWebhook({ url: server.webhookUrl, secret: TEST_WEBHOOK_SECRET, ...forged, signature: signWebhook("not-the-secret", JSON.stringify(forged.payload)) });
  expect(response.status).toBe(400);
  expect(await reachedTheApp(unsigned.id)).toBe(false);
  expect(await reachedTheApp(forged.id)).toBe(false);
});

test("a delivery without X-GitHub-Event or X-GitHub-Delivery is refused with 400 from its headers, closing the connection so its body is never read", async () => {
  const event = closedPullRequest();
  const { "x-github-event": _name, ...noEvent } = webhookHeaders(event, { "content-length": MiB, "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
  expect(await post({ headers: noEvent })).toMatchObject({ status: 400, sent: 0, closes: true });
  const { "x-github-delivery": _id, ...noDelivery } = webhookHeaders(event, { "content-length": MiB, "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
  expect(await post({ headers: noDelivery })).toMatchObject({ status: 400, sent: 0, closes: true });
});

test("four concurrent bodies declared at 200 MiB and streamed: all 413, and the server's memory barely moves", async () => {
  const before = process.memoryUsage().rss;
  const answers = await Promise.all(
    [1, 2, 3, 4].map(() => {
      const event = closedPullRequest();
      const headers = webhookHeaders(event, { "content-length": 200 * MiB, "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
      return post({ headers, body: zeros(200 * MiB), timeoutMs: 20_000 });
    }),
  );
  const grown = process.memoryUsage().rss - before;
  expect(answers.map((a) => a.status)).toEqual([413, 413, 413, 413]);
  expect(grown).toBeLessThan(50 * MiB);
});

test("a failing handler is answered 500 without its error's details", async () => {
  // An App's webhook always names its installation; without one the handler cannot answer.
  const event = closedPullRequest();
  delete (event.payload as { installation?: unknown }).installation;
  const response = await deliverWebhook({ url: server.webhookUrl, secret: TEST_WEBHOOK_SECRET, ...event });
  expect(response.status).toBe(500);
  expect(response.body).toContain(`delivery ${event.id}`);
  expect(response.body).not.toMatch(/installation/i);
});

test("a delivery the store cannot keep is answered 503 with Retry-After, without the store's details, so GitHub's log shows it to redeliver", async () => {
  // The store refuses the delivery's record once its file is gone.
  await rm(path.join(app.dataDir, "envbot.db"));
  const event = closedPullRequest();
  const response = await deliverWebhook({ url: server.webhookUrl, secret: TEST_WEBHOOK_SECRET, ...event });
  expect(response.status).toBe(503);
  expect(response.retryAfter).toBe("60");
  expect(response.body).toContain("database is unavailable");
  expect(response.body).not.toContain(app.dataDir);
  expect(response.body).not.toMatch(/StoreUnavailable|deleted|sqlite/i);
});

test("liveness is 200; readiness goes from 200 to 503, with the reason, when the database file is deleted", async () => {
  const get = async (path: string) => {
    const response = await fetch(`${server.origin}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };
  expect(await get("/api/v1/health")).toEqual({ status: 200, body: { status: "ok" } });
  expect(await get("/api/v1/health/ready")).toEqual({ status: 200, body: { status: "ready" } });

  await rm(path.join(app.dataDir, "envbot.db"));

  expect(await get("/api/v1/health")).toEqual({ status: 200, body: { status: "ok" } });
  expect(await get("/api/v1/health/ready")).toEqual({
    status: 503,
    body: { status: "unavailable", reason: expect.stringMatching(/deleted or replaced under the running process.*restored from backup/s) },
  });
});
