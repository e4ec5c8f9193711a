/** An environment's status as people read it: "hibernated" while it sleeps, else its lifecycle's. */
export function shownStatus(record: { status: string; hibernatedAt?: Date }): string {
  return record.hibernatedAt !== undefined && record.status !== "destroyed" ? "hibernated" : record.status;
}
