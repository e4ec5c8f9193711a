import type { Environment } from "../environment/index.js";
import { roleForRun, type RunPhase } from "../credentials/cloud-roles.js";
import type { RunCloudCredentials } from "../ports/index.js";
import { createRedactor, type Redact } from "../secrets/redactor.js";
import { describeSecretLocation, secretLocation, SECRET_SOURCE_NOUNS } from "../secrets/secret-location.js";
import type { EngineDeps, OperationContext } from "./engine-deps.js";

/** What one Terraform run is given besides its module: secret values, cloud credentials, and what to redact. */
export interface RunInputs {
  /** The template's secrets by name: TF_VAR_ variables. */
  secrets: Record<string, string>;
  /** spec.config's values by variable, read for a plan (an apply applies what its plan saved): shown like any variable. */
  config: Record<string, string>;
  /** Short-lived cloud credentials in place of the server's own; undefined: the server's environment as before. */
  cloud?: RunCloudCredentials;
  /** Hides every secret value and the session's keys from every text. */
  redact: Redact;
  /** For the audit trail: which role and which secret references the run used, never a value. */
  auditDetail?: string;
}

/**
 * Resolves a run's secrets (each from the source its reference names) and, where a role applies,
 * its short-lived cloud credentials. Every value joins the process's known secrets.
 */
export async function prepareRunInputs(
  deps: Pick<EngineDeps, "secrets" | "cloudCredentials" | "knownSecrets">,
  context: Pick<OperationContext, "repository" | "config">,
  environment: Environment,
  run: { id: number; phase: RunPhase },
  /** More sensitive inputs of the run (its certificates): their variables join the secrets, their secret forms the redactor. */
  more: { variables: Record<string, string>; secrets: string[] } = { variables: {}, secrets: [] },
): Promise<RunInputs> {
  const secrets: Record<string, string> = { ...more.variables };
  const fromSources: string[] = [];
  for (const [name, reference] of Object.entries(environment.secrets)) {
    secrets[name] = await deps.secrets.resolve(name, reference, context.repository);
    fromSources.push(secrets[name]);
  }
  const config: Record<string, string> = {};
  if (run.phase === "plan" || run.phase === "drift") {
    for (const [variable, reference] of Object.entries(environment.config)) {
      config[variable] = await deps.secrets.resolveConfig(variable, reference, context.repository);
    }
  }
  const role = roleForRun(environment.template.credentials?.aws, context.config.credentials.aws, run.phase);
  const cloud = await deps.cloudCredentials?.forRun(
    { repository: context.repository, environment: environment.name, owner: environment.owner, phase: run.phase, runId: run.id },
    role,
    { aws: environment.template.providers.includes("aws") },
  );
  // A certificate's PEM is public; only its key's forms (more.secrets) are hidden.
  const hidden = [...more.secrets, ...fromSources, ...(cloud?.secretValues ?? [])];
  deps.knownSecrets?.add(hidden);
  return { secrets, config, ...(cloud && { cloud }), redact: createRedactor(hidden), auditDetail: auditDetail(environment, cloud) };
}

function auditDetail(environment: Environment, cloud: RunCloudCredentials | undefined): string | undefined {
  const references = Object.entries(environment.secrets).map(([name, reference]) => {
    const location = secretLocation(reference);
    return location ? `${name} from ${location.kind === "env" ? `the ${SECRET_SOURCE_NOUNS.env} ` : ""}${describeSecretLocation(location)}` : name;
  });
  const config = Object.entries(environment.config).map(([variable, reference]) => `${variable} from ${describeSecretLocation({ kind: "ssm", name: reference.fromSsm })}`);
  const parts = [
    ...(cloud ? [cloud.description] : []),
    ...(references.length > 0 ? [`secrets: ${references.join(", ")}`] : []),
    ...(config.length > 0 ? [`config: ${config.join(", ")}`] : []),
  ];
  return parts.length > 0 ? parts.join("; ") : undefined;
}
