import type { FoundResourceView, InventoryView } from "../../../render/inventory-text.js";
import type { EnvbotApi } from "../remote/envbot-api-client.js";
import type { InventorySource } from "./inventory-source.js";

/**
 * The inventories a remote envbot keeps: GET /api/v1/environments/{owner}/{repo}/{name}/inventory
 * (a 404 for an environment the token cannot see is the server's refusal, exit 1) and GET
 * /api/v1/resources (only the repositories the token may read).
 */
export function remoteInventorySource(api: EnvbotApi): InventorySource {
  return {
    inventory: (repository, environment) => api.get<InventoryView>(`/api/v1/environments/${repository}/${environment}/inventory`),
    async find(query, { repository, limit }) {
      return (await api.get<{ items: FoundResourceView[] }>("/api/v1/resources", { q: query, repository, limit })).items;
    },
    close: async () => undefined,
  };
}
