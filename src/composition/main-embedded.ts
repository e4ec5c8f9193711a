import { runAsEntry } from "./run-as-entry.js";
import { runProcess } from "./start-process.js";

/**
 * Entry of the App in one process (`npm start`): webhooks, the API and dashboard, the schedules
 * and the jobs (Terraform), on the SQLite store and in-process queue of its data directory, or on
 * PostgreSQL and pg-boss when ENVBOT_DATABASE_URL names one.
 */
export const start = (): Promise<void> => runProcess("all");

runAsEntry(import.meta.url, start);
