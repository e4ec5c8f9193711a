import { costedEnvironments, monthlyCostReport } from "../../../core/cost/index.js";
import type { Store } from "../../../core/ports/index.js";
import { commandRecordsRepository } from "../local-repository.js";
import type { CostSource } from "./cost-source.js";

/** The run history of this machine's data directory: every repository it holds, the user's own. */
export function localCostSource(store: Pick<Store, "listEnvironments" | "listRuns" | "close">, now: () => Date): CostSource {
  return {
    async report({ month, by, repository }) {
      const at = now();
      const environments = await costedEnvironments(store, repository === undefined ? undefined : [await commandRecordsRepository(store, repository)]);
      return monthlyCostReport({ month: month ?? at.toISOString().slice(0, 7), by, environments, now: at });
    },
    close: () => store.close(),
  };
}
