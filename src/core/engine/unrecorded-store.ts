import type { EnvironmentRecord, RunRecord, Store } from "../ports/index.js";

/** What an operation writes about itself: what unrecordedStore keeps back. */
type OperationRecords = Pick<Store, "startRun" | "finishRun" | "appendRunLog" | "upsertEnvironment" | "appendEvents" | "putCertificate" | "removeCertificates" | "keepSensitiveValues">;

/**
 * The store as a dry run's operations see it: every read goes through, but what an operation
 * writes about itself (its run and log, the audit entry and events recorded with its end, the
 * environment's record, certificates kept) is kept back and forgotten. So a dry run's drift check
 * plans as any other and leaves no trace. Leases are still taken: its Terraform must not run
 * beside another operation on the same state.
 */
export function unrecordedStore(store: Store): Store {
  const runs = new Map<number, RunRecord>();
  const keptBack: OperationRecords = {
    async startRun(run) {
      // Below zero: never the id of a stored run.
      const record: RunRecord = { ...run, id: -(runs.size + 1), startedAt: new Date(), outcome: "running" };
      runs.set(record.id, record);
      return record;
    },
    async finishRun(id, { outcome, summary, logExcerpt, error }) {
      return { ...runs.get(id)!, finishedAt: new Date(), outcome, summary, logExcerpt, error };
    },
    appendRunLog: async () => undefined,
    async upsertEnvironment(change) {
      const existing = await store.getEnvironment(change.repository, change.name);
      return { createdAt: new Date(), updatedAt: new Date(), ...existing, ...change } as EnvironmentRecord;
    },
    appendEvents: async () => undefined,
    putCertificate: async () => undefined,
    removeCertificates: async () => undefined,
    keepSensitiveValues: async () => undefined,
  };
  return new Proxy(store, {
    get(target, key) {
      if (typeof key === "string" && Object.hasOwn(keptBack, key)) return keptBack[key as keyof OperationRecords];
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
