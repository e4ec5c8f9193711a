import type { ApiEnvironment, ApiPage } from "./api-records.js";
import type { EnvbotApi } from "./envbot-api-client.js";

/** The API's largest page. */
const PAGE_SIZE = 100;

/** Every environment of a repository the token may see, page after page. */
export async function listRemoteEnvironments(api: EnvbotApi, repository: string): Promise<ApiEnvironment[]> {
  const items: ApiEnvironment[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<ApiPage<ApiEnvironment>>("/api/v1/environments", { repository, limit: PAGE_SIZE, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}
