import type { ServerResponse } from "node:http";
import { costedEnvironments, monthlyCostReport, type CostGrouping } from "../../../core/cost/index.js";
import { respondJson } from "../../http/respond-json.js";
import { knownReadableRepositories, type ApiDeps } from "../api-deps.js";
import type { ApiRequest } from "../api-request.js";
import type { ApiRoute } from "../api-route.js";

/**
 * GET /api/v1/cost?month=YYYY-MM&by=GROUPING[&repository=OWNER/NAME]: the month's chargeback
 * (monthlyCostReport, as `envbot cost --json` prints it) over the environments of the
 * repositories the caller can read, or of one of them. `month` defaults to the server's
 * current month (UTC), `by` to owner; an environment still running counts up to now.
 */
async function getCostReport(request: ApiRequest<{ month?: string; by: CostGrouping; repository?: string }>, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const now = deps.now();
  const { by, repository } = request.query;
  const month = request.query.month ?? now.toISOString().slice(0, 7);
  const repositories = await knownReadableRepositories(deps, request.principal, repository);
  const environments = repositories.length === 0 ? [] : await costedEnvironments(deps.store, repositories);
  respondJson(res, 200, monthlyCostReport({ month, by, environments, now }));
}

export const costRoutes: ApiRoute[] = [{ method: "GET", path: "/api/v1/cost", handle: getCostReport }];
