import { cp, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fixturePath, projectRoot } from "./fixtures.js";
import { PROVIDER_MIRROR, writeTerraformCliConfig } from "./terraform-cli-config.js";

/**
 * A scratch environments repository (a copy of environments-template plus fixture templates) and
 * a data directory, with the environment variables the envbot CLI runs with in the test.
 */
export interface EngineSandbox {
  repoDir: string;
  /** The repository's identity in envbot's records: the checkout's absolute real path. */
  repository: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  writeDefinition(name: string, yaml: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createEngineSandbox(options: { templates?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<EngineSandbox> {
  const root = await mkdtemp(path.join(tmpdir(), "envbot-engine-"));
  const repoDir = path.join(root, "repo");
  const dataDir = path.join(root, "data");
  await cp(path.join(projectRoot, "environments-template"), repoDir, { recursive: true });
  for (const template of options.templates ?? []) {
    await cp(fixturePath("templates", template), path.join(repoDir, "templates", template), { recursive: true });
  }
  const cliConfig = await writeTerraformCliConfig(root, { mirror: PROVIDER_MIRROR });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // Plans priced the same on every machine: an Infracost installed here is left out (its own tests set it).
    ENVBOT_INFRACOST: "off",
    HOME: process.env.HOME,
    ENVBOT_DATA_DIR: dataDir,
    TF_CLI_CONFIG_FILE: cliConfig,
    USER: "tester",
    ...options.env,
  };
  return {
    repoDir,
    repository: await realpath(repoDir),
    dataDir,
    env,
    async writeDefinition(name, yaml) {
      const { writeFile } = await import("node:fs/promises");
      await writeFile(path.join(repoDir, "environments", `${name}.yaml`), yaml);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

export function definitionYaml(name: string, template: string, extra = ""): string {
  return `apiVersion: envbot.dev/v1
kind: Environment
metadata:
  name: ${name}
  owner: "@acme/qa"
spec:
  template: ${template}
${extra}`;
}
