import { runAsEntry } from "./run-as-entry.js";
import { runProcess } from "./start-process.js";

/**
 * Entry of a scale-out server (`envbot server`): takes webhooks and API calls and queues the
 * jobs in PostgreSQL (pg-boss); runs no Terraform.
 */
export const start = (): Promise<void> => runProcess("server");

runAsEntry(import.meta.url, start);
