import type { Store } from "../../../core/ports/index.js";
import { certificateView } from "../../../render/certificate-view.js";
import { foundResourceView, inventoryView, unknownEnvironmentText } from "../../../render/inventory-text.js";
import { CommandFailure } from "../cli-io.js";
import { displayRepository } from "../local-repository.js";
import type { InventorySource } from "./inventory-source.js";

/** The inventories of this machine's data directory. */
export function localInventorySource(store: Pick<Store, "getEnvironment" | "listInventory" | "listCertificates" | "findResources" | "close">): InventorySource {
  return {
    async inventory(repository, environment) {
      if (!(await store.getEnvironment(repository, environment))) throw new CommandFailure(unknownEnvironmentText(environment, displayRepository(repository)));
      return inventoryView(await store.listInventory(repository, environment), (await store.listCertificates(repository, environment)).map(certificateView));
    },
    async find(query, { repository, limit }) {
      // The data directory is the user's own: without a repository, every one it holds.
      const found = await store.findResources(query, { ...(repository !== undefined && { repositories: [repository] }), limit });
      return found.map(foundResourceView);
    },
    close: () => store.close(),
  };
}
