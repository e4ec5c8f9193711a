import { certificateIssuerFromSettings } from "../adapters/certificates/certificate-issuer-from-settings.js";
import { infracostPlanPricer } from "../adapters/cost/infracost-plan-pricer.js";
import { serverSecretProvider } from "../adapters/secrets/server-secret-provider.js";
import { stsCloudCredentials } from "../adapters/aws/sts-cloud-credentials.js";
import { oidcIssuer, type OidcIssuer } from "../adapters/oidc/oidc-issuer.js";
import { cliTerraformRunner } from "../adapters/terraform/cli-terraform-runner.js";
import type { EngineDeps } from "../core/engine/index.js";
import type { Store } from "../core/ports/index.js";
import type { Settings } from "../adapters/server-env/settings.js";

/**
 * The engine on the settings' adapters: the store openStore (open-backends) opened for these
 * settings, the only place a store is opened; Terraform with working directories in the data directory.
 */
export function engineFromSettings(settings: Settings, env: NodeJS.ProcessEnv, store: Store): EngineDeps {
  const scaleOut = settings.databaseUrl !== undefined;
  return {
    store,
    terraform: cliTerraformRunner({
      binary: settings.terraformBin,
      dataDir: settings.dataDir,
      timeoutMs: settings.terraformTimeoutMs,
      killGraceMs: settings.terraformKillGraceMs,
      lockTimeoutMs: settings.stateLockTimeoutMs,
      aws: settings.aws,
      // Never envbot's own database for state by default: template code (a provisioner) runs with
      // PG_CONN_STR in its environment, and must not reach envbot's records and queue.
      serverEnv: env,
      sharedStateOnly: scaleOut,
      pricePlan: settings.infracost && infracostPlanPricer({ ...settings.infracost, serverEnv: env }),
    }),
    secrets: serverSecretProvider(settings, env),
    cloudCredentials: stsCloudCredentials(
      {
        ...settings.cloudCredentials,
        aws: settings.aws,
        terraformTimeoutMs: settings.terraformTimeoutMs,
        oidc: oidcIssuerFromSettings(settings, store),
      },
      env,
    ),
    certificates: certificateIssuerFromSettings(settings, env),
    // A waiting operation waits at most as long as one Terraform command may run.
    leaseWaitMs: settings.terraformTimeoutMs,
    leaseTtlMs: settings.leaseTtlMs,
    now: () => new Date(),
  };
}

/** envbot's OIDC issuer when ENVBOT_AWS_CREDENTIALS=oidc: its keys in the store, so every process signs and serves the same. */
export function oidcIssuerFromSettings(settings: Settings, store: Store): OidcIssuer | undefined {
  const oidc = settings.cloudCredentials.oidc;
  return oidc && oidcIssuer({ ...oidc, now: () => new Date() }, store);
}
