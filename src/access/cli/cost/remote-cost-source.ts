import type { MonthlyCostReport } from "../../../core/cost/index.js";
import type { EnvbotApi } from "../remote/envbot-api-client.js";
import type { CostSource } from "./cost-source.js";

/**
 * The chargeback a remote envbot computes: GET /api/v1/cost, over the repositories the token may
 * read (src/access/api/routes/cost-routes.ts). Its JSON is the report itself.
 */
export function remoteCostSource(api: EnvbotApi): CostSource {
  return {
    report: ({ month, by, repository }) => api.get<MonthlyCostReport>("/api/v1/cost", { month, by, repository }),
    close: async () => undefined,
  };
}
