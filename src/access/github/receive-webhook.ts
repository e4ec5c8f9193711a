import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { StoreUnavailableError } from "../../core/ports/index.js";
import { respondJson } from "../http/respond-json.js";

/**
 * GitHub caps webhook payloads at 25 MB and does not deliver larger events
 * (docs.github.com, "Webhook events and payloads"). Read as MiB, so no real delivery is refused.
 */
export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;

export interface WebhookEvent {
  id: string;
  name: string;
  payload: object;
}

/** How a delivery was answered: kept (200), refused (4xx), unavailable (503: the store could not keep it), failed (500). */
export type WebhookOutcome = "accepted" | "refused" | "unavailable" | "failed";

export interface WebhookReceiverOptions {
  secret: string;
  /** Runs the app's handlers for a verified delivery (Probot's `receive`); they only enqueue. */
  receive: (event: WebhookEvent) => Promise<void>;
  log: { warn(details: object, message: string): void; error(details: object, message: string): void };
  maxBodyBytes?: number;
  /** A delivery was answered 503 because the store could not keep it. */
  onUnavailable?: (delivery: string) => void;
  /** How each delivery was answered (metrics). */
  onOutcome?: (outcome: WebhookOutcome) => void;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const EVENT_NAME = /^[a-z_]{1,64}$/;
const DELIVERY_ID = /^[\w-]{1,128}$/;
const JSON_CONTENT = /^\s*application\/json\s*(;|$)/i;

/**
 * Receives GitHub's webhook POSTs. Unlike Probot's middleware, which reads the whole body before
 * checking anything, it refuses what it can from the headers alone, stops reading at the cap,
 * and computes the signature while the body streams in: an unsigned or oversized request costs
 * no more memory than the cap, and a forged one never reaches JSON.parse.
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { secret, receive, log, maxBodyBytes = MAX_WEBHOOK_BODY_BYTES } = options;
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, error: string) => {
    log.warn({ status, delivery: req.headers["x-github-delivery"] }, `webhook refused: ${error}`);
    options.onOutcome?.("refused");
    // Closing the connection: the unread rest of the body is never read.
    respondJson(res, status, { error }, { close: true });
  };

  return (req, res) => {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > maxBodyBytes) {
      return refuse(req, res, 413, `payload over ${maxBodyBytes} bytes, GitHub's cap for a webhook`);
    }
    const name = req.headers["x-github-event"];
    const id = req.headers["x-github-delivery"];
    if (typeof name !== "string" || !EVENT_NAME.test(name) || typeof id !== "string" || !DELIVERY_ID.test(id)) {
      return refuse(req, res, 400, "missing or malformed X-GitHub-Event or X-GitHub-Delivery header");
    }
    const signature = req.headers["x-hub-signature-256"];
    if (signature === undefined) return refuse(req, res, 401, "missing X-Hub-Signature-256 header");
    const expected = typeof signature === "string" ? SIGNATURE.exec(signature)?.[1] : undefined;
    if (expected === undefined) return refuse(req, res, 400, "malformed X-Hub-Signature-256 header");
    if (!JSON_CONTENT.test(req.headers["content-type"] ?? "")) {
      return refuse(req, res, 415, 'Content-Type must be "application/json"');
    }

    void readSigned(req, secret, maxBodyBytes).then(async (read) => {
      if (read === "aborted") return;
      if (read === "too-large") return refuse(req, res, 413, `payload over ${maxBodyBytes} bytes, GitHub's cap for a webhook`);
      if (!timingSafeEqual(read.digest, Buffer.from(expected, "hex"))) {
        return refuse(req, res, 400, "signature does not match the payload and the webhook secret");
      }
      let payload: unknown;
      try {
        payload = JSON.parse(read.body.toString("utf8"));
      } catch {
        return refuse(req, res, 400, "payload is not JSON");
      }
      if (typeof payload !== "object" || payload === null) return refuse(req, res, 400, "payload is not a JSON object");
      try {
        await receive({ id, name, payload });
        res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
        options.onOutcome?.("accepted");
      } catch (error) {
        if (storeUnavailable(error)) {
          // Nothing was kept: GitHub records the failure, and the delivery is fetched again from
          // GitHub's delivery log once the store is back (see redeliver-missed-webhooks).
          log.error({ delivery: id, event: name, reason: storeUnavailable(error)!.message }, "webhook refused while the store is unavailable");
          options.onUnavailable?.(id);
          options.onOutcome?.("unavailable");
          respondJson(res, 503, { error: `envbot cannot keep this delivery now (its database is unavailable); it is fetched again when the database is back (delivery ${id})` }, { headers: { "retry-after": "60" } });
          return;
        }
        // The details stay in the log: an error message can carry paths, URLs or worse.
        log.error({ err: error, delivery: id, event: name }, "webhook handler failed");
        options.onOutcome?.("failed");
        respondJson(res, 500, { error: `the delivery could not be handled; the server log has the details (delivery ${id})` });
      }
    }).catch((error: unknown) => {
      log.error({ err: error, delivery: id }, "webhook receiver failed");
      res.destroy();
    });
  };
}

/** The StoreUnavailableError behind a handler's failure (Probot wraps them in an AggregateError), if any. */
function storeUnavailable(error: unknown, depth = 0): StoreUnavailableError | undefined {
  if (error instanceof StoreUnavailableError) return error;
  if (depth > 3 || typeof error !== "object" || error === null) return undefined;
  const { errors, cause } = error as { errors?: unknown; cause?: unknown };
  for (const inner of [...(Array.isArray(errors) ? errors : []), cause]) {
    const found = storeUnavailable(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

type ReadResult = { body: Buffer; digest: Buffer } | "too-large" | "aborted";

/** The body and its HMAC-SHA256, computed chunk by chunk; stops keeping data past the cap. */
function readSigned(req: IncomingMessage, secret: string, maxBytes: number): Promise<ReadResult> {
  return new Promise((resolve) => {
    const hmac = createHmac("sha256", secret);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: () => ReadResult) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      resolve(result());
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // The rest still flows in until the connection closes, and is dropped.
      if (size > maxBytes) return settle(() => "too-large");
      hmac.update(chunk);
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => settle(() => ({ body: Buffer.concat(chunks, size), digest: hmac.digest() })));
    // A client that went away before the end: there is nobody to answer.
    req.on("close", () => settle(() => "aborted"));
    req.on("error", () => settle(() => "aborted"));
  });
}
