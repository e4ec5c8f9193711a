import type { Orphan } from "../../../core/inventory/index.js";
import type { OrphanSweepRecord } from "../../../core/ports/index.js";
import type { EnvbotApi } from "../remote/envbot-api-client.js";
import type { OrphanSource } from "./orphan-source.js";

/** An item of GET /api/v1/orphans (src/access/api/openapi-document.ts: OrphanSweep). */
interface ApiOrphanSweep {
  repository: string;
  sweptAt: string;
  region: string;
  orphans: Orphan[];
}

/**
 * The latest orphan sweeps a remote envbot recorded: GET /api/v1/orphans, of `repository` or of
 * every repository the token may read. The API leaves out the repositories never swept; they are
 * told apart from those swept clean by the repositories asked about (GET /api/v1/repositories:
 * those with environments the token may read).
 */
export function remoteOrphanSource(api: EnvbotApi, repository?: string): OrphanSource {
  return {
    recorded: true,
    async sweeps() {
      const { items } = await api.get<{ items: ApiOrphanSweep[] }>("/api/v1/orphans", { repository });
      const asked = repository !== undefined ? [repository] : (await api.get<{ items: { repository: string }[] }>("/api/v1/repositories")).items.map((r) => r.repository);
      const swept = new Set(items.map((sweep) => sweep.repository));
      return { sweeps: items.map((sweep) => ({ ...sweep, sweptAt: new Date(sweep.sweptAt) })), unswept: asked.filter((r) => !swept.has(r)) };
    },
    close: async () => undefined,
  };
}
