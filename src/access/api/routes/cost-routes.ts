import type { ServerResponse } from "node:http";
import { COST_GROUPINGS, costedEnvironments, isCostGrouping, monthlyCostReport, monthRange } from "../../../core/cost/index.js";
import { respondJson } from "../../http/respond-json.js";
import { knownReadableRepositories, type ApiDeps } from "../api-deps.js";
import { badRequest } from "../api-problem.js";
import { onlyKnownQuery, queryValue, type ApiRequest } from "../api-request.js";
import type { ApiRoute } from "../api-route.js";

/**
 * GET /api/v1/cost?month=YYYY-MM&by=GROUPING[&repository=OWNER/NAME]: the month's chargeback
 * (monthlyCostReport, as `envbot cost --json` prints it) over the environments of the
 * repositories the caller can read, or of one of them. `month` defaults to the server's
 * current month (UTC), `by` to owner; an environment still running counts up to now.
 */
async function getCostReport(request: ApiRequest, res: ServerResponse, deps: ApiDeps): Promise<void> {
  onlyKnownQuery(request.query, ["month", "by", "repository"]);
  const now = deps.now();
  const month = queryValue(request.query, "month") ?? now.toISOString().slice(0, 7);
  try {
    monthRange(month);
  } catch {
    throw badRequest("query.month", `a month like 2026-11 (YYYY-MM, UTC), not '${month}'`);
  }
  const by = queryValue(request.query, "by") ?? "owner";
  if (!isCostGrouping(by)) throw badRequest("query.by", `one of ${COST_GROUPINGS.join(", ")}, not '${by}'`);
  const repositories = await knownReadableRepositories(deps, request.principal, request.query);
  const environments = repositories.length === 0 ? [] : await costedEnvironments(deps.store, repositories);
  respondJson(res, 200, monthlyCostReport({ month, by, environments, now }));
}

export const costRoutes: ApiRoute[] = [{ method: "GET", path: "/api/v1/cost", handle: getCostReport }];
