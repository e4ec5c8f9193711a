import { parseArgs } from "node:util";
import { formatInventory } from "../../../render/inventory-text.js";
import { EXIT, oneEnvironmentName, WHERE_OPTIONS, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { openInventorySource } from "../inventory/open-inventory-source.js";
import { requireEnvironment } from "../environment-directory.js";
import { displayRepository } from "../local-repository.js";

export const inventoryUsage = `Usage: envbot inventory NAME [--json] [--repo DIR] [--github OWNER/NAME] [--context CONTEXT]

Lists the resources environment NAME held after its last apply, as envbot recorded them from
Terraform's state: the address, the type, the cloud's id for it, the ARN (AWS) and what it
depends on (in the same module by the short address). 'envbot find' searches every environment.
Options:
  --json               print {items, graph} as the API's GET
                       /api/v1/environments/{owner}/{repo}/{name}/inventory has them: each
                       resource with its attributes (never the sensitive ones), and the
                       dependencies as a Mermaid flowchart
  --repo DIR           the environments repository (default: the one the current directory is in)
  --github OWNER/NAME  the environments the envbot App keeps for this GitHub repository
  --context CONTEXT    read it from that context's envbot server (see 'envbot context'); also
                       ENVBOT_CONTEXT. --github, else the context's repository, names the repository
  -h, --help           show this help
Exit status: 0 listed, 1 envbot has no such environment (or the server failed), 2 usage error.`;

export async function inventoryCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      ...WHERE_OPTIONS,
      ...HELP_OPTION,
    },
  });
  if (values.help) return printUsage(io, inventoryUsage);
  const name = oneEnvironmentName(positionals);
  const { source, repository, environments } = await openInventorySource({ context: values.context, github: values.github, repo: values.repo }, io);
  try {
    await requireEnvironment(environments, repository!, name);
    const view = await source.inventory(repository!, name);
    if (values.json) io.stdout(`${JSON.stringify(view, null, 2)}\n`);
    else io.stdout(`${formatInventory({ name, repository: displayRepository(repository!), items: view.items, certificates: view.certificates })}\n`);
    return EXIT.ok;
  } finally {
    await source.close();
  }
}
