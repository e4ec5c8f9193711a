import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Probot } from "probot";
import type { InstallationBudget, JobQueue, Store } from "../../core/ports/index.js";
import { respondLiveness, respondReadiness } from "../api/health-endpoints.js";
import { createWebhookReceiver, type WebhookOutcome } from "../github/receive-webhook.js";
import { respondJson } from "./respond-json.js";

/** Where GitHub delivers webhooks; Probot's default, so existing App settings keep working. */
export const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";

/**
 * GitHub gives up on a delivery after 10 s; a request still arriving after 30 s is not GitHub's,
 * and would hold up to a whole payload in memory meanwhile.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface HttpServerOptions {
  /** The Probot instance with the app loaded: verified deliveries go to its `receive`. */
  probot: Probot;
  webhookSecret: string;
  webhookPath?: string;
  /** Whose health the readiness endpoint reports. */
  store: Store;
  /** Its depth (and health, where it has one) is part of readiness: how much acknowledged work is waiting. */
  queue?: Pick<JobQueue, "depth" | "health">;
  /** In a process that runs Terraform: whether its binary runs (part of readiness). */
  terraform?: () => Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Prometheus metrics, served at GET /metrics; webhook deliveries are counted into them. */
  metrics?: { contentType: string; text(): Promise<string>; webhookDelivery(outcome: WebhookOutcome): void };
  /** Each installation's GitHub request budget, for the readiness details. */
  githubBudget?: () => readonly InstallationBudget[];
  /** A worker of scale-out takes no webhooks: it serves health only. */
  webhooks?: boolean;
  /** A delivery was answered 503: the store could not keep it (see watchMissedWebhooks). */
  onUnavailable?: (delivery: string) => void;
  /**
   * The rest of the surface (the REST API, sign-in, the dashboard), tried in order: each answers
   * the requests it owns and resolves false for the others.
   */
  handlers?: readonly HttpHandler[];
  log?: { error(details: object, message: string): void };
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The App's HTTP surface: GitHub's webhooks, and liveness and readiness for the platform. */
export function createHttpServer(options: HttpServerOptions): Server {
  const { probot, store, queue, webhookPath = DEFAULT_WEBHOOK_PATH, webhooks = true } = options;
  const receiveWebhook = createWebhookReceiver({
    secret: options.webhookSecret,
    // The event name was checked to be a plain name; Probot dispatches it to the handlers.
    receive: (event) => probot.receive(event as Parameters<Probot["receive"]>[0]),
    log: probot.log,
    onUnavailable: options.onUnavailable,
    onOutcome: (outcome) => options.metrics?.webhookDelivery(outcome),
  });
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (webhooks && path === webhookPath) {
      if (req.method === "POST") return receiveWebhook(req, res);
      return respondJson(res, 405, { error: "webhooks are POSTed" }, { close: true });
    }
    if (req.method === "GET" && path === "/api/v1/health") return respondLiveness(res);
    if (req.method === "GET" && path === "/metrics" && options.metrics) return void respondMetrics(res, options.metrics);
    if (req.method === "GET" && path === "/api/v1/health/ready") return void respondReadiness(res, store, queue, options.terraform, options.githubBudget);
    void handleRest(req, res).catch((error: unknown) => {
      options.log?.error({ err: error, path }, "could not answer a request");
      if (!res.headersSent) respondJson(res, 500, { error: "envbot could not answer this request" }, { close: true });
      else res.destroy();
    });
  });
  const handleRest = async (req: IncomingMessage, res: ServerResponse) => {
    for (const handler of options.handlers ?? []) if (await handler(req, res)) return;
    respondJson(res, 404, { error: "not found" }, { close: true });
  };
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  return server;
}

/** GET /metrics: Prometheus's text format. Like health, unauthenticated: keep it inside the cluster. */
async function respondMetrics(res: ServerResponse, metrics: { contentType: string; text(): Promise<string> }): Promise<void> {
  try {
    const text = await metrics.text();
    res.writeHead(200, { "content-type": metrics.contentType }).end(text);
  } catch {
    respondJson(res, 500, { error: "the metrics could not be read" });
  }
}
