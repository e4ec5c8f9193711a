/**
 * Which cloud role a Terraform run assumes, and what it is told about the run. Pure rules: the
 * adapter (STS) does the asking.
 */

/** What a run does: plans and drift checks only read; apply and destroy change the cloud. */
export type RunPhase = "plan" | "drift" | "apply" | "destroy";

/** `credentials.aws` of .github/envbot.yml or of a template. */
export interface AwsRoleChoice {
  /** The IAM role every run assumes. */
  role?: string;
  /** A role plans and drift checks assume instead (read-only); unset: `role`. */
  planRole?: string;
}

/**
 * The role a run of `phase` assumes: the template's choice over the repository's (a template
 * knows what its resources need), and for plans and drift checks the read-only planRole of the
 * same choice when it names one. Undefined: no role is named.
 */
export function roleForRun(template: AwsRoleChoice | undefined, repository: AwsRoleChoice | undefined, phase: RunPhase): string | undefined {
  const choice = template?.role !== undefined ? template : repository;
  if (!choice?.role) return undefined;
  return phase === "plan" || phase === "drift" ? (choice.planRole ?? choice.role) : choice.role;
}

export interface RunIdentity {
  /** "owner/name", or a local checkout's absolute path. */
  repository: string;
  environment: string;
  owner: string;
  phase: RunPhase;
  runId: number;
}

/** The session tags of a run, for IAM conditions and CloudTrail: `envbot:environment` and the rest. */
export function sessionTags(run: RunIdentity): Record<string, string> {
  return {
    "envbot:environment": tagValue(run.environment),
    "envbot:owner": tagValue(run.owner),
    "envbot:repository": tagValue(run.repository),
    "envbot:phase": run.phase,
  };
}

/** The role session's name, which CloudTrail shows for every call: which run of which environment. */
export function sessionName(run: RunIdentity): string {
  // STS allows [\w+=,.@-], 2 to 64 characters; environment names are already of that alphabet.
  const name = `envbot-${run.phase}-${run.runId}-${run.environment}`.replace(/[^\w+=,.@-]/g, "-");
  return name.slice(0, 64);
}

/** The longest a session tag's value may be (STS). */
const TAG_VALUE_MAX = 256;

/** STS takes letters, digits, spaces and `_ . : / = + - @` in a tag's value. */
function tagValue(text: string): string {
  return text.replace(/[^\p{L}\p{N}\p{Z}_.:/=+\-@]/gu, "_").slice(0, TAG_VALUE_MAX) || "_";
}

/**
 * How long the session lasts: as long as one Terraform command of the run may (its timeout),
 * within what STS grants (15 minutes at least) and what the operator allows.
 */
export function sessionSeconds(timeoutMs: number, maxMs: number): number {
  const MIN_SECONDS = 900;
  return Math.max(MIN_SECONDS, Math.min(Math.ceil(timeoutMs / 1000), Math.floor(maxMs / 1000)));
}
