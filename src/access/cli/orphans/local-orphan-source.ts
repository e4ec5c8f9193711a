import { repositoryOrphans } from "../../../core/reconciling/index.js";
import type { Store, TaggedResourceSource } from "../../../core/ports/index.js";
import type { OrphanSource } from "./orphan-source.js";

/**
 * One repository's orphans, found now: the resources the cloud's tag index holds for it (this
 * machine's credentials) that no environment's inventory in the data directory holds.
 */
export function localOrphanSource(input: { store: Pick<Store, "listEnvironments" | "listInventory" | "close">; tagged: TaggedResourceSource; repository: string; now: () => Date }): OrphanSource {
  const { store, tagged, repository } = input;
  return {
    recorded: false,
    async sweeps() {
      const { orphans } = await repositoryOrphans({ store, tagged, repository });
      return { sweeps: [{ repository, sweptAt: input.now(), region: tagged.region, orphans }], unswept: [] };
    },
    close: () => store.close(),
  };
}
