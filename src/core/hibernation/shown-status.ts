import type { EnvironmentRecord } from "../ports/index.js";

/** An environment's status as people read it: "hibernated" while it sleeps, else its lifecycle's. */
export function shownStatus(record: Pick<EnvironmentRecord, "status" | "hibernatedAt">): string {
  return record.hibernatedAt !== undefined && record.status !== "destroyed" ? "hibernated" : record.status;
}
