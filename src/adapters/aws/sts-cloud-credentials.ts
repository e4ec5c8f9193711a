import type { STSClient } from "@aws-sdk/client-sts";
import { sessionName, sessionSeconds, sessionTags, type RunIdentity } from "../../core/credentials/cloud-roles.js";
import { roleRefusal, type RoleAllowRules } from "../../core/credentials/role-allow-rules.js";
import type { CloudCredentials, RunCloudCredentials } from "../../core/ports/index.js";
import { ConfigurationError, ProviderError } from "../../core/terraform/index.js";
import { AWS_TAGS_CLAIM, type OidcIssuer } from "../oidc/oidc-issuer.js";
import { awsClientConfig, type AwsSettings } from "./aws-client-config.js";

/**
 * ENVBOT_AWS_CREDENTIALS: `pass` (default) gives a run without a role the server's own AWS
 * environment, as envbot always did; `assume-role` never gives Terraform the server's AWS
 * identity (a run that needs AWS must name a role, assumed with the server's credentials);
 * `oidc` is assume-role where the server holds no AWS key at all: envbot signs a token per run and
 * STS trusts envbot as an identity provider (AssumeRoleWithWebIdentity).
 */
export type CloudCredentialsMode = "pass" | "assume-role" | "oidc";

export interface StsCloudCredentialsSettings {
  mode: CloudCredentialsMode;
  rolesAllow: RoleAllowRules;
  aws: AwsSettings;
  /** One Terraform command's timeout: a session lasts that long, within sessionMaxMs. */
  terraformTimeoutMs: number;
  /** ENVBOT_AWS_SESSION_MAX: the longest session asked for (a role's MaxSessionDuration is 1 h unless raised). */
  sessionMaxMs: number;
  /** In oidc mode: the issuer whose tokens the roles trust. */
  oidc?: OidcIssuer;
}

/** The token a run presents to STS lives this long: it is exchanged at once. */
const WEB_IDENTITY_TOKEN_SECONDS = 300;

export function stsCloudCredentials(settings: StsCloudCredentialsSettings, env: NodeJS.ProcessEnv = process.env): CloudCredentials {
  // The SDK loads at the first role assumed: most processes never assume one.
  let client: Promise<{ sts: typeof import("@aws-sdk/client-sts"); client: STSClient }> | undefined;
  const connect = () => (client ??= import("@aws-sdk/client-sts").then((sts) => ({ sts, client: new sts.STSClient(awsClientConfig(settings.aws, env)) })));

  return {
    async forRun(run, role, needs) {
      if (role === undefined) {
        if (settings.mode === "pass") return undefined;
        if (needs.aws) {
          throw new ConfigurationError(
            `this envbot gives Terraform no AWS credentials of its own (ENVBOT_AWS_CREDENTIALS=${settings.mode}): name the role its runs assume under credentials.aws.role in .github/envbot.yml or in the template`,
          );
        }
        // Nothing to assume, and nothing of the server's to lend: not even the instance's role.
        return { env: { AWS_EC2_METADATA_DISABLED: "true" }, secretValues: [], description: "no cloud role (the server's AWS identity withheld)" };
      }
      const refused = roleRefusal(settings.rolesAllow, run.repository, role);
      if (refused) throw new ConfigurationError(`the run may not assume ${role}: ${refused}`);
      return settings.mode === "oidc" ? assumeWithWebIdentity(run, role) : assumeRole(run, role);
    },
  };

  async function assumeRole(run: RunIdentity, role: string): Promise<RunCloudCredentials> {
    const name = sessionName(run);
    const { sts, client } = await connect();
    const answer = await client
      .send(
        new sts.AssumeRoleCommand({
          RoleArn: role,
          RoleSessionName: name,
          DurationSeconds: sessionSeconds(settings.terraformTimeoutMs, settings.sessionMaxMs),
          Tags: Object.entries(sessionTags(run)).map(([Key, Value]) => ({ Key, Value })),
        }),
      )
      .catch((error: unknown) => refusedByAws(role, error));
    return sessionOf(answer.Credentials, role, `sts:AssumeRole, session ${name}`);
  }

  async function assumeWithWebIdentity(run: RunIdentity, role: string): Promise<RunCloudCredentials> {
    const issuer = settings.oidc;
    if (!issuer) throw new ConfigurationError("ENVBOT_AWS_CREDENTIALS=oidc needs ENVBOT_PUBLIC_URL: the address AWS fetches envbot's signing keys from");
    const name = sessionName(run);
    const tags = sessionTags(run);
    const token = await issuer.token(
      `repo:${run.repository}:environment:${run.environment}`,
      {
        repository: run.repository,
        environment: run.environment,
        owner: run.owner,
        phase: run.phase,
        run_id: run.runId,
        // STS makes these the session's tags; the role's trust policy can require them.
        [AWS_TAGS_CLAIM]: { principal_tags: Object.fromEntries(Object.entries(tags).map(([key, value]) => [key, [value]])), transitive_tag_keys: [] },
      },
      WEB_IDENTITY_TOKEN_SECONDS,
    );
    const { sts, client } = await connect();
    const answer = await client
      .send(
        new sts.AssumeRoleWithWebIdentityCommand({
          RoleArn: role,
          RoleSessionName: name,
          WebIdentityToken: token,
          DurationSeconds: sessionSeconds(settings.terraformTimeoutMs, settings.sessionMaxMs),
        }),
      )
      .catch((error: unknown) => refusedByAws(role, error));
    return sessionOf(answer.Credentials, role, `sts:AssumeRoleWithWebIdentity with a token envbot issued, session ${name}`);
  }
}

function sessionOf(
  credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined,
  role: string,
  how: string,
): RunCloudCredentials {
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
    throw new ProviderError(`AWS STS gave no credentials for ${role}`);
  }
  return {
    env: {
      AWS_ACCESS_KEY_ID: credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: credentials.SessionToken,
      // The session is all the run has: no falling back to the machine's instance role.
      AWS_EC2_METADATA_DISABLED: "true",
    },
    secretValues: [credentials.SecretAccessKey, credentials.SessionToken],
    description: `role ${role} (${how}${credentials.Expiration ? `, until ${credentials.Expiration.toISOString()}` : ""})`,
  };
}

function refusedByAws(role: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  throw new ProviderError(`AWS STS would not let envbot assume ${role}`, message);
}
