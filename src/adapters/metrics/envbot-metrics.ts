import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { InstallationBudget, JobQueue, JobRunner, Outbox, SavedPlan, Store, TerraformRunner } from "../../core/ports/index.js";

/**
 * envbot's Prometheus metrics (served at GET /metrics by every process): jobs, Terraform,
 * webhook deliveries, the event outbox, GitHub's request budget and the store's and queue's
 * health. Counters and histograms are fed as work happens; gauges are read at each scrape.
 */
export interface EnvbotMetrics {
  readonly contentType: string;
  text(): Promise<string>;
  webhookDelivery(outcome: WebhookOutcome): void;
}

export type WebhookOutcome = "accepted" | "refused" | "unavailable" | "failed";

export interface MetricsSources {
  queue?: Pick<JobQueue, "depth" | "health">;
  store: Pick<Store, "health">;
  outbox?: Pick<Outbox, "pendingEvents">;
  githubBudget?: () => readonly InstallationBudget[];
}

/** The backlog is counted up to this many events: past it, the number says "at least". */
const OUTBOX_COUNT_LIMIT = 10_000;
/** Terraform and jobs take seconds to many minutes. */
const DURATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export class PrometheusMetrics implements EnvbotMetrics {
  private readonly registry = new Registry();
  private readonly jobs: Counter<"kind" | "outcome">;
  private readonly jobSeconds: Histogram<"kind">;
  private readonly terraformSeconds: Histogram<"operation" | "template" | "outcome">;
  private readonly deliveries: Counter<"outcome">;
  readonly contentType: string;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.contentType = this.registry.contentType;
    collectDefaultMetrics({ register: this.registry });
    this.jobs = new Counter({ name: "envbot_jobs_total", help: "Jobs this process finished, by kind and outcome (succeeded, failed: handed on or retried included).", labelNames: ["kind", "outcome"], registers });
    this.jobSeconds = new Histogram({ name: "envbot_job_duration_seconds", help: "How long jobs ran in this process, by kind.", labelNames: ["kind"], buckets: DURATION_BUCKETS, registers });
    this.terraformSeconds = new Histogram({
      name: "envbot_terraform_duration_seconds",
      help: "Terraform operations (plan: init, plan and show; apply), by operation (the plan's mode, or apply), template and outcome.",
      labelNames: ["operation", "template", "outcome"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.deliveries = new Counter({ name: "envbot_webhook_deliveries_total", help: "Webhook deliveries answered, by outcome: accepted (kept), refused (size, headers, signature), unavailable (503: the store could not keep it), failed (500).", labelNames: ["outcome"], registers });

    const { queue, store, outbox, githubBudget } = sources;
    new Gauge({
      name: "envbot_jobs_in_queue",
      help: "Jobs waiting and running, as this process's queue sees them (in scale-out: all workers').",
      labelNames: ["state"],
      registers,
      collect() {
        const depth = queue?.depth();
        if (!depth) return;
        this.set({ state: "queued" }, depth.queued);
        this.set({ state: "running" }, depth.running);
      },
    });
    new Gauge({
      name: "envbot_up",
      help: "1 while the part can do its work (store: keep what is written; queue: keep and hand out jobs), 0 otherwise.",
      labelNames: ["part"],
      registers,
      async collect() {
        const [storeHealth, queueHealth] = await Promise.all([store.health().catch(() => ({ ok: false })), queue?.health?.().catch(() => ({ ok: false }))]);
        this.set({ part: "store" }, storeHealth.ok ? 1 : 0);
        if (queueHealth) this.set({ part: "queue" }, queueHealth.ok ? 1 : 0);
      },
    });
    if (outbox) {
      new Gauge({
        name: "envbot_outbox_backlog",
        help: `Domain events not yet delivered to every subscriber (notifications included), counted up to ${OUTBOX_COUNT_LIMIT}.`,
        registers,
        async collect() {
          const pending = await outbox.pendingEvents(OUTBOX_COUNT_LIMIT).catch(() => undefined);
          if (pending) this.set(pending.length);
        },
      });
    }
    if (githubBudget) {
      const perInstallation = (name: string, help: string, value: (b: InstallationBudget) => number) =>
        new Gauge({
          name,
          help,
          labelNames: ["installation"],
          registers,
          collect() {
            this.reset();
            for (const budget of githubBudget()) this.set({ installation: String(budget.installation) }, value(budget));
          },
        });
      perInstallation("envbot_github_rate_limit", "GitHub requests an hour the installation may make (x-ratelimit-limit).", (b) => b.limit);
      perInstallation("envbot_github_rate_remaining", "GitHub requests left this hour (x-ratelimit-remaining of the latest answer).", (b) => b.remaining);
      // Gauges: they count from this process's start, and a scrape reads them whole.
      perInstallation("envbot_github_requests", "GitHub requests this process sent for the installation since it started.", (b) => b.requests);
      perInstallation("envbot_github_requests_not_modified", "Of those, conditional requests GitHub answered 304 (not counted against the budget).", (b) => b.notModified);
      perInstallation("envbot_github_sweeps_deferred", "Scheduled sweeps that waited because the installation's budget was under the reserve.", (b) => b.sweepsDeferred);
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  webhookDelivery(outcome: WebhookOutcome): void {
    this.deliveries.inc({ outcome });
  }

  /** The job runner, each job timed and counted by kind. */
  measuredJobs(runner: JobRunner): JobRunner {
    return async (payload, context) => {
      const kind = String((payload as { kind?: unknown } | null)?.kind ?? "unknown");
      const end = this.jobSeconds.startTimer({ kind });
      try {
        await runner(payload, context);
        this.jobs.inc({ kind, outcome: "succeeded" });
      } catch (error) {
        this.jobs.inc({ kind, outcome: "failed" });
        throw error;
      } finally {
        end();
      }
    };
  }

  /** The Terraform runner, each plan and apply timed by operation and template. */
  measuredTerraform(runner: TerraformRunner): TerraformRunner {
    const templates = new WeakMap<SavedPlan, string>();
    const timed = async <T>(operation: string, template: string, work: () => Promise<T>): Promise<T> => {
      const end = this.terraformSeconds.startTimer({ operation, template });
      try {
        const result = await work();
        end({ outcome: "succeeded" });
        return result;
      } catch (error) {
        end({ outcome: "failed" });
        throw error;
      }
    };
    return Object.assign(Object.create(runner) as TerraformRunner, {
      plan: async (request: Parameters<TerraformRunner["plan"]>[0], options: Parameters<TerraformRunner["plan"]>[1]) => {
        const template = request.environment.template.name;
        const plan = await timed(request.mode, template, () => runner.plan(request, options));
        templates.set(plan, template);
        return plan;
      },
      apply: (plan: SavedPlan, options: Parameters<TerraformRunner["apply"]>[1]) => timed("apply", templates.get(plan) ?? "unknown", () => runner.apply(plan, options)),
    });
  }
}
