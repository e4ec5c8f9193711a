import type { Store } from "../ports/index.js";
import type { LifeRun } from "./environment-hours.js";
import type { CostedEnvironment } from "./monthly-report.js";

/** Runs read per environment: a chargeback needs every apply and destroy. */
const RUNS_READ = 100_000;

/**
 * Every environment the store keeps (of `repositories`, when given) with the runs that started
 * and ended it: successful applies, with the hourly price their plan recorded, and destroys.
 */
export async function costedEnvironments(store: Pick<Store, "listEnvironments" | "listRuns">, repositories?: readonly string[]): Promise<CostedEnvironment[]> {
  const records = (await store.listEnvironments()).filter((r) => repositories === undefined || repositories.includes(r.repository));
  return Promise.all(
    records.map(async (record) => {
      const runs = await store.listRuns(record.repository, record.name, RUNS_READ);
      const life: LifeRun[] = runs.flatMap((run): LifeRun[] => {
        if (run.outcome !== "succeeded" || run.finishedAt === undefined || (run.kind !== "apply" && run.kind !== "destroy")) return [];
        return [{ kind: run.kind, at: run.finishedAt, ...(run.kind === "apply" && { hourly: recordedHourly(run.summary) ?? 0 }), ...(recordedSleep(run.summary) && { sleep: true as const }) }];
      });
      return { repository: record.repository, name: record.name, owner: record.owner, template: record.template, ...(record.labels && { labels: record.labels }), runs: life };
    }),
  );
}

/** Whether an apply or destroy put the environment to sleep (its summary says hibernation: sleep). */
function recordedSleep(summary: string | undefined): boolean {
  try {
    return (JSON.parse(summary ?? "{}") as { hibernation?: unknown }).hibernation === "sleep";
  } catch {
    return false;
  }
}

/** The price per hour a plan's (or its apply's) summary recorded (PlanSummary.cost); older runs have none. */
export function recordedHourly(summary: string | undefined): number | undefined {
  try {
    const hourly = (JSON.parse(summary ?? "{}") as { cost?: { hourly?: unknown } }).cost?.hourly;
    return typeof hourly === "number" ? hourly : undefined;
  } catch {
    return undefined;
  }
}
