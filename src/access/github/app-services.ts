import type { EngineDeps } from "../../core/engine/index.js";
import type { JobQueue } from "../../core/ports.js";

/** What the handlers work with, wired once in app.ts. */
export interface AppServices {
  engine: EngineDeps;
  queue: JobQueue;
}
