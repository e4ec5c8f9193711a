import path from "node:path";
import { parseArgs } from "node:util";
import { awsTaggedResources } from "../../../adapters/aws/aws-tagged-resources.js";
import { findOrphans } from "../../../core/inventory/index.js";
import { formatOrphans } from "../../../render/orphan-text.js";
import { EXIT, type CliIO } from "../cli-io.js";
import { localEngine } from "../local-engine.js";
import { commandRepository, displayRepository } from "../local-repository.js";

export const orphansUsage = `Usage: envbot orphans [--json] [--repo DIR] [--github OWNER/NAME]

Lists the cloud resources that carry this repository's envbot tags (envbot:repository,
envbot:environment) but are in no environment's state: left behind by a failed destroy, or made
by hand. It asks the AWS Resource Groups Tagging API of the region envbot uses (ENVBOT_AWS_REGION,
ENVBOT_AWS_ENDPOINT) with this machine's AWS credentials, and compares with the inventories the
data directory holds. Nothing is deleted.
Options:
  --json               print the orphans as JSON on stdout
  --repo DIR           the environments repository (default: the current directory)
  --github OWNER/NAME  compare with the environments the envbot App keeps for this GitHub repository
  -h, --help           show this help
Exit status: 0 nothing left behind, 1 something is (or AWS could not be asked), 2 usage error.`;

export async function orphansCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: "boolean" }, repo: { type: "string" }, github: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    io.stdout(`${orphansUsage}\n`);
    return EXIT.ok;
  }
  const repository = await commandRepository({ repoDir: path.resolve(io.cwd, values.repo ?? "."), shownAs: values.repo ?? "the current directory", github: values.github });
  const { deps, settings } = await localEngine(io.env, io.cwd, (line) => io.stderr(`${line}\n`));
  try {
    const environments = await deps.store.listEnvironments(repository);
    const inventories = await Promise.all(environments.map((e) => deps.store.listInventory(repository, e.name)));
    const tagged = await awsTaggedResources(settings.aws, io.env).listTagged(repository);
    const orphans = findOrphans(repository, tagged, inventories);
    if (values.json) io.stdout(`${JSON.stringify({ repository, region: settings.aws.region, orphans }, null, 2)}\n`);
    else io.stdout(`${formatOrphans({ repository: displayRepository(repository), region: settings.aws.region, orphans })}\n`);
    return orphans.length === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await deps.store.close();
  }
}
