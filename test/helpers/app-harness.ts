import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Probot } from "probot";
import { inProcessQueue } from "../../src/adapters/queue/in-process-queue.js";
import { createEnvbotApp } from "../../src/composition/app.js";
import { KnownSecrets } from "../../src/core/secrets/known-secrets.js";
import { engineFromSettings } from "../../src/composition/engine-from-settings.js";
import { openStore } from "../../src/composition/open-backends.js";
import { awsTaggedResources } from "../../src/adapters/aws/aws-tagged-resources.js";
import type { AppServices } from "../../src/access/github/app-services.js";
import type { TerraformRunner } from "../../src/core/ports/index.js";
import { readSettings } from "../../src/adapters/server-env/settings.js";
import { FakeGitHub } from "./github/fake-github.js";
import { enterpriseServer } from "./github/github-mock.js";
import { createTestProbot } from "./github/test-probot.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO } from "./github/webhook-payloads.js";
import { PROVIDER_MIRROR, writeTerraformCliConfig } from "./terraform-cli-config.js";

/**
 * The envbot app as it runs in production (real queue, SQLite, the real terraform binary), with
 * GitHub replaced by a FakeGitHub repository. `receive` delivers an event and waits until every
 * job it queued is done.
 */
export interface AppHarness {
  probot: Probot;
  github: FakeGitHub;
  services: AppServices;
  dataDir: string;
  /** The environment the app's Terraform runs with (data dir, CLI config with the mirror). */
  env: NodeJS.ProcessEnv;
  receive(event: Parameters<Probot["receive"]>[0]): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createAppHarness(
  options: {
    env?: NodeJS.ProcessEnv;
    enterpriseHost?: string;
    concurrency?: number;
    /** In place of the terraform binary, where Terraform is not what a test is about (see InMemoryTerraform). */
    terraform?: TerraformRunner;
  } = {},
): Promise<AppHarness> {
  const root = await mkdtemp(path.join(tmpdir(), "envbot-app-"));
  const dataDir = path.join(root, "data");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // Plans priced the same on every machine: an Infracost installed here is left out (its own tests set it).
    ENVBOT_INFRACOST: "off",
    HOME: process.env.HOME,
    ENVBOT_DATA_DIR: dataDir,
    TF_CLI_CONFIG_FILE: await writeTerraformCliConfig(root, { mirror: PROVIDER_MIRROR }),
    ...options.env,
  };
  const errors: unknown[] = [];
  const settings = readSettings(env, root);
  const built = engineFromSettings(settings, env, (await openStore(settings)).store);
  const engine = { ...built, terraform: options.terraform ?? built.terraform, knownSecrets: new KnownSecrets() };
  const services: AppServices = {
    engine,
    taggedResources: awsTaggedResources(settings.aws, env),
    // Kept in the SQLite file, as the App keeps them.
    queue: inProcessQueue({ concurrency: options.concurrency ?? 2, store: engine.store, onError: (error) => errors.push(error) }),
  };
  const server = options.enterpriseHost ? enterpriseServer(options.enterpriseHost) : undefined;
  const github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID, server });
  // As GHE_HOST does in production: Probot points its Octokit at https://HOST/api/v3.
  const probot = await createTestProbot(createEnvbotApp(services), server ? { baseUrl: `${server.origin}${server.pathPrefix}` } : {});
  return {
    probot,
    github,
    services,
    dataDir,
    env,
    async receive(event) {
      await probot.receive(event);
      await services.queue.idle();
      if (errors.length > 0) throw errors[0];
    },
    async cleanup() {
      await services.engine.store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export { sha, starterRepository } from "./fixtures.js";
