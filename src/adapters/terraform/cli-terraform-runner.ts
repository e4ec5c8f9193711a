import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AppliedPlan, SavedPlan, StateLockCleanup, TerraformRunner, TerraformRunOptions } from "../../core/ports/index.js";
import { NAME_PATTERN } from "../../core/environment/index.js";
import type { PlanMode } from "../../core/planning/index.js";
import type { HourlyPrice } from "../../core/planning/index.js";
import type { Redact } from "../../core/secrets/redactor.js";
import { planDependencies } from "./plan-dependencies.js";
import { summarizeStateJson } from "./summarize-state-json.js";
import { summarizePlanJson } from "./summarize-plan-json.js";
import { needsAttributeDetail, parsePlanStream, summarizePlanStream } from "./summarize-plan-stream.js";
import { ConfigurationError, TerraformCancelledError, TerraformError } from "../../core/terraform/index.js";
import { classifyTerraformFailure } from "./classify-terraform-failure.js";
import { prepareWorkDir } from "./prepare-work-dir.js";
import { runTerraformCommand } from "./run-terraform-command.js";
import type { AwsProviderSettings } from "./synthesize-root-module.js";
import { repositoryStorageKey } from "./repository-storage-key.js";
import { terraformChildEnv } from "./terraform-child-env.js";

export interface CliTerraformRunnerSettings {
  /** `terraform`, or `tofu`, or a path. */
  binary: string;
  /** Holds work/, state/ and plugin-cache/. */
  dataDir: string;
  timeoutMs: number;
  killGraceMs: number;
  /** How long to wait for the state lock before giving up. */
  lockTimeoutMs: number;
  aws: AwsProviderSettings;
  /** The server's environment; only what Terraform needs is passed on (terraformChildEnv). */
  serverEnv: NodeJS.ProcessEnv;
  /**
   * Scale-out: the next operation on an environment may run on another machine, so state kept on
   * this one's disk (state.backend: local) is refused.
   */
  sharedStateOnly?: boolean;
  /**
   * Prices a plan from its JSON (Infracost): its summary's cost. Set, every plan of an
   * environment to create or change is shown as JSON, also when the summary needs none of it.
   */
  pricePlan?: PlanPricer;
}

/** Prices a plan from `terraform show -json` of it (redacted, as the runner read it). */
export type PlanPricer = (plan: { json: string; resourceAddresses: string[]; workDir: string; redact: Redact; signal?: AbortSignal }) => Promise<HourlyPrice>;

/** Why a plan of an environment with local state is refused in scale-out, in the words the pull request shows. */
export const LOCAL_STATE_REFUSED =
  "state.backend: local cannot be used with this envbot: it runs on several machines (scale-out), and state on one machine's disk would be lost to the others. " +
  "Set state.backend to pg (the server's PG_CONN_STR) or s3 in .github/envbot.yml";

/** Lines of output kept for the run record. */
const LOG_TAIL_LINES = 60;
const INIT_STAMP = ".envbot-init";
/** A saved plan not applied within this long is stale (the state moved on, or nobody wants it). */
const SAVED_PLAN_LIFETIME_MS = 60 * 60 * 1000;

export function cliTerraformRunner(settings: CliTerraformRunnerSettings): TerraformRunner {
  const pluginCache = path.join(settings.dataDir, "plugin-cache");
  // A TF_CLI_CONFIG_FILE that does not exist makes Terraform warn on every command: said once, in
  // envbot's words, and left out, so Terraform reads its default configuration quietly.
  const cliConfig = settings.serverEnv.TF_CLI_CONFIG_FILE;
  let cliConfigWarning = cliConfig && !existsSync(cliConfig) ? `warning: TF_CLI_CONFIG_FILE names ${cliConfig}, which does not exist; Terraform runs with its default CLI configuration` : undefined;
  const serverEnv = cliConfigWarning ? { ...settings.serverEnv, TF_CLI_CONFIG_FILE: undefined } : settings.serverEnv;

  async function terraform(step: Step, args: string[], cwd: string, options: TerraformRunOptions, log: LogTail) {
    if (cliConfigWarning) {
      options.onOutput?.(cliConfigWarning);
      cliConfigWarning = undefined;
    }
    const secretVars = Object.fromEntries(Object.entries(options.secrets).map(([name, value]) => [`TF_VAR_${name}`, value]));
    // plan streams JSON (-json): progress and the log show each message's text.
    const readable = step === "plan" ? (line: string) => uiMessageText(line) : (line: string) => line;
    const result = await runTerraformCommand({
      binary: settings.binary,
      args,
      cwd,
      env: terraformChildEnv(serverEnv, { TF_PLUGIN_CACHE_DIR: pluginCache, ...secretVars }, options.cloudEnv),
      timeoutMs: settings.timeoutMs,
      killGraceMs: settings.killGraceMs,
      redact: options.redact,
      signal: options.signal,
      // JSON read back by envbot (show, output) is neither progress nor log; the refresh is log only.
      onOutput: step === "show" || step === "output" ? undefined : (raw) => {
        const line = readable(raw);
        if (line === undefined) return;
        log.push(line);
        if (step !== "refresh") options.onOutput?.(line);
      },
    }).catch((error: unknown) => {
      if (error instanceof TerraformError) error.log = log.text();
      throw error;
    });
    // plan -detailed-exitcode: 2 means "succeeded, with changes".
    if (result.code !== 0 && !(step === "plan" && result.code === 2)) {
      const errors = step === "plan" ? parsePlanStream(result.stdout).errors.join("\n\n") : "";
      const failure = classifyTerraformFailure(step === "refresh" ? "apply" : step, errors || result.stderr || result.stdout);
      failure.log = log.text();
      throw failure;
    }
    return result;
  }

  return {
    async plan(request, options): Promise<SavedPlan> {
      if (settings.sharedStateOnly && request.state.backend === "local") throw new ConfigurationError(LOCAL_STATE_REFUSED);
      const { workDir, statePath } = locations(settings.dataDir, request.repository, request.environment.name);
      await mkdir(path.dirname(statePath), { recursive: true });
      await mkdir(pluginCache, { recursive: true });
      const log = new LogTail();

      const { initFingerprint } = await prepareWorkDir(request, workDir, statePath, settings.aws);
      if (!(await initDone(workDir, initFingerprint))) {
        await rm(path.join(workDir, INIT_STAMP), { force: true });
        const shown = (line: string) => {
          log.push(line);
          options.onOutput?.(line);
        };
        await initRetryingBackendRace(
          (hold) => terraform("init", ["init", "-input=false", "-no-color", `-lock-timeout=${settings.lockTimeoutMs}ms`], workDir, { ...options, onOutput: hold }, new LogTail()),
          shown,
        );
        await writeFile(path.join(workDir, INIT_STAMP), initFingerprint);
      }

      const plansDir = path.join(workDir, "plans");
      await mkdir(plansDir, { recursive: true });
      await removeStalePlans(plansDir);
      const planFile = path.join(plansDir, `${request.mode}-${Date.now()}.tfplan`);
      const planned = await terraform(
        "plan",
        ["plan", "-input=false", "-no-color", "-json", "-detailed-exitcode", `-lock-timeout=${settings.lockTimeoutMs}ms`, ...modeFlags(request.mode), `-out=${planFile}`],
        workDir,
        options,
        log,
      );
      const stream = parsePlanStream(planned.stdout);
      let summary = summarizePlanStream(stream, request.environment.name, request.mode, request.driftDetail);
      // A destroy leaves nothing to pay for, and a drift check's price is never shown (chargeback
      // reads the price an apply's plan recorded): neither is priced, so a sweep asks Infracost nothing.
      const pricePlan = request.mode === "normal" && request.driftDetail !== "all" ? settings.pricePlan : undefined;
      // Creations and deletions are fully described by the stream; updates and drift need the
      // saved plan's attribute values, which cost one more Terraform process (provider schemas).
      if (needsAttributeDetail(stream) || pricePlan) {
        await options.onPreview?.({ summary, text: stream.messages.join("\n") });
        const shown = await terraform("show", ["show", "-json", "-no-color", planFile], workDir, options, new LogTail());
        let json: unknown;
        try {
          json = JSON.parse(shown.stdout);
        } catch {
          throw new TerraformError("terraform show -json did not print JSON", shown.stdout.slice(0, 500));
        }
        summary = { ...summarizePlanJson(json, request.environment.name, request.mode, request.driftDetail), dependencies: planDependencies(json) };
        if (pricePlan) {
          summary.cost = await pricePlan({ json: shown.stdout, resourceAddresses: Object.keys(summary.dependencies ?? {}), workDir, redact: options.redact, signal: options.signal });
        }
      }
      return { summary, text: stream.messages.join("\n"), handle: planFile, log: log.text() };
    },

    async apply(plan, options): Promise<AppliedPlan> {
      const workDir = path.dirname(path.dirname(plan.handle));
      const log = new LogTail();
      const stateInventory = async () => summarizeStateJson(JSON.parse((await terraform("show", ["show", "-json", "-no-color"], workDir, options, new LogTail())).stdout || "{}"));
      try {
        await terraform("apply", ["apply", "-input=false", "-no-color", `-lock-timeout=${settings.lockTimeoutMs}ms`, plan.handle], workDir, options, log);
      } catch (error) {
        // Terraform keeps in the state whatever it made or removed before the failure: read it,
        // so the inventory (and the orphan sweep comparing with it) knows them. Not when stopping.
        if (error instanceof TerraformError && !(error instanceof TerraformCancelledError) && !options.signal?.aborted) {
          error.inventory = await stateInventory().catch(() => undefined);
        }
        throw error;
      } finally {
        await rm(plan.handle, { force: true }); // a saved plan is applied once, or not at all
      }
      if (plan.summary.mode === "normal") {
        // Providers fill in some attributes only after related resources exist (an S3 bucket's
        // website block once its website configuration is applied). Refreshing now records them,
        // so the next drift check compares with the world as it was right after this apply.
        // Its own "Apply complete! Resources: 0 added" would contradict the apply just shown: one line of ours instead.
        options.onOutput?.("Refreshing the state: recording attributes providers fill in after an apply (nothing is changed).");
        await terraform("refresh", ["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color", `-lock-timeout=${settings.lockTimeoutMs}ms`], workDir, options, log);
      }
      const shown = await terraform("output", ["output", "-json", "-no-color"], workDir, options, new LogTail());
      const raw = JSON.parse(shown.stdout || "{}") as Record<string, { value: unknown; sensitive: boolean }>;
      const outputs = Object.fromEntries(
        Object.entries(raw).map(([name, o]) => [name, o.sensitive ? { value: undefined, sensitive: true } : { value: o.value, sensitive: false }]),
      );
      const sensitiveOutputs = Object.fromEntries(Object.entries(raw).filter(([, o]) => o.sensitive).map(([name, o]) => [name, o.value]));
      // What the state holds now: the environment's inventory (a destroy leaves none).
      const inventory = plan.summary.mode === "destroy" ? [] : await stateInventory();
      return { outputs, sensitiveOutputs, inventory, log: log.text() };
    },

    async releaseAbandonedStateLock(repository, environment): Promise<StateLockCleanup> {
      const { workDir, statePath } = locations(settings.dataDir, repository, environment);
      const backend = await configuredBackend(workDir);
      if (backend === "local") {
        // The local backend writes the holder's lock info next to the state; the OS lock itself
        // died with the process, the file stays and names a holder that is gone.
        const infoFile = path.join(path.dirname(statePath), `.${path.basename(statePath)}.lock.info`);
        const info = await readFile(infoFile, "utf8").catch(() => undefined);
        if (info === undefined) return { kind: "none" };
        await rm(infoFile, { force: true });
        return { kind: "released", lockId: lockIdOf(info) };
      }
      // PostgreSQL's advisory lock ends with the session; S3's lock file and others stay.
      if (backend === "pg" || backend === undefined) return { kind: "none" };
      return {
        kind: "manual",
        howTo: `if the next plan stops at a state lock, run \`terraform force-unlock LOCK_ID\` in ${workDir} with the ID that plan names (the ${backend} backend keeps the lock of the stopped run)`,
      };
    },
  };
}

/**
 * Terraform's pg backend creates its shared sequence and each environment's table with "IF NOT
 * EXISTS", which PostgreSQL does not make safe between sessions: two first inits at the same
 * moment (two workers, two new environments) can fail with a duplicate key in the catalog. The
 * loser's init is simply run again; init is idempotent. Each attempt's output is held until it
 * ends, so a lost race shows as one line saying so, not as Terraform's error before a success.
 */
const PG_CATALOG_RACE = /duplicate key value violates unique constraint "pg_(class|type|namespace)_\w+"/;
const INIT_ATTEMPTS = 4;
export const PG_RACE_RETRY_NOTE = "Another run was creating Terraform's pg backend tables at the same moment; running init again.";

export async function initRetryingBackendRace(init: (hold: (line: string) => void) => Promise<unknown>, output: (line: string) => void = () => {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const held: string[] = [];
    try {
      await init((line) => held.push(line));
      held.forEach((line) => output(line));
      return;
    } catch (error) {
      const lostRace = error instanceof TerraformError && PG_CATALOG_RACE.test(error.details);
      if (attempt >= INIT_ATTEMPTS || !lostRace) {
        held.forEach((line) => output(line));
        throw error;
      }
      output(PG_RACE_RETRY_NOTE);
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400 * attempt));
    }
  }
}

/** The backend type the synthesized root module of a working directory uses; undefined before the first plan. */
async function configuredBackend(workDir: string): Promise<string | undefined> {
  const text = await readFile(path.join(workDir, "cdk.tf.json"), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const backend = (JSON.parse(text) as { terraform?: { backend?: Record<string, unknown> } }).terraform?.backend;
  return backend ? Object.keys(backend)[0] : "local";
}

function lockIdOf(info: string): string {
  try {
    return String((JSON.parse(info) as { ID?: unknown }).ID ?? "unknown");
  } catch {
    return "unknown";
  }
}

type Step = "init" | "plan" | "show" | "apply" | "refresh" | "output";

/** The text of one line of Terraform's JSON UI; undefined for lines with nothing to read. */
function uiMessageText(line: string): string | undefined {
  if (!line.startsWith("{")) return line;
  try {
    const message = JSON.parse(line) as { "@message"?: string; type?: string };
    return message.type === "version" ? undefined : message["@message"];
  } catch {
    return line;
  }
}

function modeFlags(mode: PlanMode): string[] {
  return mode === "destroy" ? ["-destroy"] : [];
}

/** Where an environment's working directory and local state live. Names are checked, never trusted. */
export function locations(dataDir: string, repository: string, environment: string): { workDir: string; statePath: string } {
  if (!NAME_PATTERN.test(environment)) throw new Error(`invalid environment name '${environment}'`);
  const parts = [...repositoryStorageKey(repository).split("/"), environment];
  return {
    workDir: path.join(dataDir, "work", ...parts),
    statePath: path.join(dataDir, "state", ...parts, "terraform.tfstate"),
  };
}

/**
 * Plans that were never applied (a PR's plan, `envbot plan`, a drift check) would pile up: an
 * hour-old one is removed. A younger one stays: it may be waiting for its apply or a confirmation.
 */
async function removeStalePlans(plansDir: string): Promise<void> {
  const cutoff = Date.now() - SAVED_PLAN_LIFETIME_MS;
  for (const name of await readdir(plansDir)) {
    const made = Number(/-(\d+)\.tfplan$/.exec(name)?.[1]);
    if (made < cutoff) await rm(path.join(plansDir, name), { force: true });
  }
}

async function initDone(workDir: string, fingerprint: string): Promise<boolean> {
  try {
    await stat(path.join(workDir, ".terraform"));
    return (await readFile(path.join(workDir, INIT_STAMP), "utf8")) === fingerprint;
  } catch {
    return false;
  }
}

class LogTail {
  private lines: string[] = [];
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > LOG_TAIL_LINES) this.lines.shift();
  }
  text(): string {
    return this.lines.join("\n");
  }
}
