import { parseArgs } from "node:util";
import { applyPlan, planEnvironment, type OperationContext } from "../../../core/engine/index.js";
import type { PlanMode } from "../../../core/planning/index.js";
import { formatDiagnostic } from "../../../render/diagnostics-text.js";
import { formatPlanSummary } from "../../../render/plan-text.js";
import { EXIT, UsageError, type CliIO } from "../cli-io.js";
import { loadEnvironment } from "../load-environment.js";
import { localEngine } from "../local-engine.js";
import { commandRepository, commandRecordsRepository } from "../local-repository.js";
import { localSecretProvider } from "../local-secret-provider.js";
import { repositoryDirectory } from "../repository-directory.js";
import { remoteTarget } from "../remote/remote-target.js";
import { remotePlan } from "./remote-plan.js";

type Verb = "plan" | "apply" | "destroy";

export const operationUsage: Record<Verb, string> = {
  plan: `Usage: envbot plan NAME|FILE [--repo DIR] [--github OWNER/NAME] [--json]
       envbot plan NAME --context CONTEXT [--github OWNER/NAME] [--json]

Validates the definition, synthesizes its root module and runs terraform plan. Nothing changes.
With --context CONTEXT (or ENVBOT_CONTEXT) that context's envbot server plans NAME as defined on
the default branch of --github OWNER/NAME (else of the context's repository), and its log is
printed as it runs (with --json: on stderr, and the run as JSON on stdout); the exit status is
the run's.`,
  apply: `Usage: envbot apply NAME|FILE [--repo DIR] [--github OWNER/NAME] [--json] [--yes]

Plans, shows the plan, asks for confirmation (or takes --yes), then applies exactly that plan.`,
  destroy: `Usage: envbot destroy NAME|FILE [--repo DIR] [--github OWNER/NAME] [--json] [--yes]

Plans the destruction of the environment, asks for confirmation (or takes --yes), then destroys it.`,
};

const COMMON = `
NAME is environments/NAME.yaml (or .yml) of the repository; FILE is a path to a definition in it.
Options:
  --repo DIR   the environments repository (default: the one the current directory is in)
  --github OWNER/NAME
               act on the environment the envbot App keeps for this GitHub repository, in the
               same data directory (DIR is a checkout of it): one operation at a time with the App
               (with ENVBOT_DATABASE_URL, the fleet's PostgreSQL: one at a time with its workers)
  --json       print the result as JSON on stdout
  -h, --help   show this help
Settings come from the environment: ENVBOT_DATA_DIR, ENVBOT_DATABASE_URL, TERRAFORM_BIN,
ENVBOT_TERRAFORM_TIMEOUT, ... (see docs/operating.md). With ENVBOT_DATABASE_URL the records, leases and
audit are the fleet's PostgreSQL, and state must be in pg or s3, as on its workers.
Exit status: 0 done, 1 no such environment, an invalid definition or a failed run, 2 usage error,
3 not confirmed (the answer was not 'yes').`;

export function operationCommand(verb: Verb) {
  return async (args: string[], io: CliIO): Promise<number> => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        repo: { type: "string" },
        github: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        ...(verb === "plan" ? { context: { type: "string" } } : { yes: { type: "boolean", short: "y" } }),
      },
    });
    if (values.help) {
      io.stdout(`${operationUsage[verb]}\n${COMMON}\n`);
      return EXIT.ok;
    }
    if (verb === "plan") {
      const target = await remoteTarget((values as { context?: string }).context, io);
      if (target) return remotePlan(target, { ...values, positionals }, io);
    } else if (io.env.ENVBOT_CONTEXT) {
      // Whoever set it expects the server's environments: never change this machine's instead.
      throw new UsageError(`ENVBOT_CONTEXT is set (${io.env.ENVBOT_CONTEXT}), but ${verb} acts only on this machine; unset it to ${verb} here (on a server, changes arrive as pull requests)`);
    }
    if (positionals.length !== 1) throw new UsageError(`expected one environment NAME or FILE, got ${positionals.length}`);
    const confirmed = (values as { yes?: boolean }).yes === true;
    if (verb !== "plan" && !confirmed && !io.interactive) {
      throw new UsageError(`refusing to ${verb} without confirmation: run it on a terminal or pass --yes`);
    }

    const { repoDir, shownAs } = await repositoryDirectory(io.cwd, values.repo);
    const written = await commandRepository({ repoDir, shownAs, github: values.github });
    const secrets = localSecretProvider(io.env, io.cwd);
    // The references are judged for the repository the run is for, as the engine will read them.
    const loaded = await loadEnvironment(positionals[0]!, repoDir, io.cwd, io.now(), { refusal: (reference) => secrets.refusal(reference, written) }, io.env);
    if (!loaded.ok) {
      for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d, loaded.display(d.file))}\n`);
      return EXIT.failed;
    }
    const { environment } = loaded;
    const { deps, actor } = await localEngine(io);
    const repository = await commandRecordsRepository(deps.store, written);
    const started = Date.now();
    try {
      const context: OperationContext = {
        repository,
        actor,
        templateFiles: loaded.repo,
        config: loaded.config,
        // Elapsed time on every progress line: a long apply shows it is still moving.
        onOutput: (line) => io.stderr(`  │ ${formatElapsed(Date.now() - started)} ${line}\n`),
      };
      const mode: PlanMode = verb === "destroy" ? "destroy" : "normal";
      const planned = await planEnvironment(deps, context, environment, mode);
      if (!planned.ok) {
        report(io, values.json, { environment: environment.name, outcome: "failed", step: "plan", reason: planned.reason, details: planned.details });
        return EXIT.failed;
      }
      const summary = planned.plan.summary;
      if (verb === "plan") {
        io.stdout(values.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatPlanSummary(summary, { color: io.color })}\n`);
        return EXIT.ok;
      }
      if (!values.json) io.stdout(`${formatPlanSummary(summary, { color: io.color })}\n`);
      const record = await deps.store.getEnvironment(repository, environment.name);
      const needed = summary.hasChanges || (verb === "apply" ? record?.status !== "active" : record?.status !== "destroyed");
      if (!needed) {
        report(io, values.json, { environment: environment.name, outcome: "unchanged", plan: summary });
        return EXIT.ok;
      }
      if (!confirmed) {
        const answer = await io.ask(`\n${verb === "apply" ? "Apply these changes to" : "Destroy"} ${environment.name}? Only 'yes' is accepted: `);
        if (answer.trim() !== "yes") {
          io.stderr(`Not ${verb === "apply" ? "applied" : "destroyed"}: the answer was not 'yes'.\n`);
          return EXIT.declined;
        }
      }
      const applied = await applyPlan(deps, context, environment, planned);
      if (!applied.ok) {
        report(io, values.json, { environment: environment.name, outcome: "failed", step: verb, reason: applied.reason, details: applied.details });
        return EXIT.failed;
      }
      const outputs = Object.fromEntries(Object.entries(applied.applied.outputs).map(([k, o]) => [k, o.sensitive ? "(sensitive)" : o.value]));
      if (values.json) {
        io.stdout(`${JSON.stringify({ environment: environment.name, outcome: verb === "apply" ? "applied" : "destroyed", plan: summary, outputs }, null, 2)}\n`);
      } else {
        io.stdout(`${verb === "apply" ? "Applied" : "Destroyed"} ${environment.name}.\n`);
        for (const [name, value] of Object.entries(outputs)) io.stdout(`  ${name} = ${JSON.stringify(value)}\n`);
      }
      return EXIT.ok;
    } finally {
      await deps.store.close();
    }
  };
}

/** "0:07", "12:30": minutes and seconds since the command began. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function report(io: CliIO, json: boolean | undefined, result: Record<string, unknown>): void {
  if (json) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  } else if (result.outcome === "failed") {
    io.stderr(`${result.step} of ${result.environment} failed: ${result.reason}\n${result.details ? `${result.details}\n` : ""}`);
  } else {
    io.stdout(`Nothing to do for ${result.environment}.\n`);
  }
}
