import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RootModuleRequest } from "../../core/ports/index.js";
import { codeFingerprint } from "../code-fingerprint.js";
import { readTemplate, writeTemplate } from "./materialize-template.js";
import { TAGS_VARIABLE, TEMPLATE_DIR } from "./root-module-names.js";
import type { AwsProviderSettings } from "./synthesize-root-module.js";

const ROOT_MODULE = "cdk.tf.json";
/** The synthesis key of what the working directory holds, written last. */
const SYNTH_STAMP = ".envbot-synth";
/** Terraform loads *.auto.tfvars.json of the root module by itself: the tags of this plan. */
const TAGS_FILE = "envbot-tags.auto.tfvars.json";

export interface PreparedWorkDir {
  /** Equal while what `terraform init` depends on is: the modules, the providers, the backend. */
  initFingerprint: string;
  /** False when the working directory already held exactly this root module and template. */
  synthesized: boolean;
}

/**
 * Puts the template copy and the root module (cdk.tf.json) of `request` into `workDir`. When the
 * template's files, the request and the server settings hash the same as what the directory
 * already holds, nothing is written and cdktf is not even loaded: a re-plan costs Terraform alone.
 */
export async function prepareWorkDir(request: RootModuleRequest, workDir: string, statePath: string, aws: AwsProviderSettings): Promise<PreparedWorkDir> {
  await mkdir(workDir, { recursive: true });
  const files = await readTemplate({ files: request.templateFiles, directory: request.environment.template.directory });
  const key = await synthesisKey(request, files, statePath, aws);
  const stampFile = path.join(workDir, SYNTH_STAMP);
  const rootModuleFile = path.join(workDir, ROOT_MODULE);

  let json = (await readFile(stampFile, "utf8").catch(() => undefined)) === key ? await readFile(rootModuleFile, "utf8").catch(() => undefined) : undefined;
  const synthesized = json === undefined;
  if (json === undefined) {
    await mkdir(path.dirname(statePath), { recursive: true });
    // The stamp goes first and comes back last: a crash in between leaves no stamp, so no skip.
    await rm(stampFile, { force: true });
    await writeTemplate(files, path.join(workDir, TEMPLATE_DIR));
    const declaresTags = new RegExp(`variable\\s+"${TAGS_VARIABLE}"`);
    const moduleTakesTags = files.some((f) => f.path.endsWith(".tf") && declaresTags.test(text(f.bytes)));
    // cdktf is loaded only here (a few hundred milliseconds), never for a re-plan.
    const { synthesizeRootModule } = await import("./synthesize-root-module.js");
    json = await synthesizeRootModule({ request, localStatePath: statePath, aws, moduleTakesTags, moduleDir: TEMPLATE_DIR });
    await writeFile(rootModuleFile, json);
    await writeFile(stampFile, key);
  }
  await writeFile(path.join(workDir, TAGS_FILE), `${JSON.stringify({ [TAGS_VARIABLE]: request.tags }, null, 2)}\n`);
  return { initFingerprint: initFingerprint(files, json), synthesized };
}

/** The synthesizer's fingerprint, read once per process. */
let synthesizerVersion: Promise<string> | undefined;

/**
 * Everything the root module is made from: the template's files, the request's parts that go
 * into it (named, not "all but": a plan's mode or drift detail, passed in the same object, change
 * only Terraform's flags, so a drift check after a plan synthesizes nothing), the server's
 * provider settings, where the state lives, and the synthesizer itself (its code and cdktf's
 * version), so an upgraded envbot synthesizes afresh. The tags are a variable, not synthesized.
 */
async function synthesisKey(request: RootModuleRequest, files: readonly { path: string; bytes: Uint8Array }[], statePath: string, aws: AwsProviderSettings): Promise<string> {
  const hash = createHash("sha256");
  // Every field of RootModuleRequest but the file reader and the tags: one added there must be named here.
  const { repository, environment, variables, sensitiveInputs, state } = request;
  const inputs: Record<Exclude<keyof RootModuleRequest, "templateFiles" | "tags">, unknown> = { repository, environment, variables, sensitiveInputs, state };
  synthesizerVersion ??= codeFingerprint("adapters/terraform/synthesize-root-module", "cdktf");
  hash.update(JSON.stringify({ inputs, statePath, aws, synthesizer: await synthesizerVersion }));
  for (const file of files) hash.update(`\0${file.path}\0${file.bytes.length}\0`).update(file.bytes);
  return hash.digest("hex");
}


/** What `terraform init` reads: the module's .tf files, the terraform block (backend, providers) and the module source. */
function initFingerprint(files: readonly { path: string; bytes: Uint8Array }[], rootModule: string): string {
  const hash = createHash("sha256");
  for (const file of files) if (file.path.endsWith(".tf")) hash.update(`\0${file.path}\0`).update(file.bytes);
  const parsed = JSON.parse(rootModule) as { terraform?: unknown; module?: Record<string, { source?: string }> };
  hash.update(JSON.stringify(parsed.terraform ?? {})).update(JSON.stringify(Object.values(parsed.module ?? {}).map((m) => m.source)));
  return hash.digest("hex");
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}
