import { runAsEntry } from "./run-as-entry.js";
import { runProcess } from "./start-process.js";

/**
 * Entry of a scale-out worker (`envbot worker`): runs the jobs queued in PostgreSQL (pg-boss),
 * Terraform included, and serves health only.
 */
export const start = (): Promise<void> => runProcess("worker");

runAsEntry(import.meta.url, start);
