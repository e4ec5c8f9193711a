import type { Actor } from "../authorization/actor.js";
import type { ResolvedConfig } from "../config/repository-config.js";
import type { CertificateIssuer, CloudCredentials, PlanPreview, RepoFiles, SecretProvider, Store, TerraformRunner } from "../ports/index.js";
import type { KnownSecrets } from "../secrets/known-secrets.js";

/** The agents the engine works through. */
export interface EngineDeps {
  store: Store;
  terraform: TerraformRunner;
  secrets: SecretProvider;
  /** Short-lived cloud credentials per run; unset: every run has the server's environment. */
  cloudCredentials?: CloudCredentials;
  /** The CA environments' certificates are issued from; none when the server has none. */
  certificates?: CertificateIssuer;
  now: () => Date;
  /** How long an operation waits for another one on the same environment (default 30 minutes). */
  leaseWaitMs?: number;
  /** How long a lease outlives a holder that stopped renewing it (default 2 minutes). */
  leaseTtlMs?: number;
  /** Collects resolved secret values for the outgoing-request guard of the app. */
  knownSecrets?: KnownSecrets;
}

/** Who asks for an operation, on which revision of which repository. */
export interface OperationContext {
  /** "owner/name", or a local checkout's absolute path. */
  repository: string;
  commit?: string;
  /** Who asks: recorded with the run (as actorText) and named on the lease. */
  actor: Actor;
  /** Where the template is read from (the trust model picks the revision). */
  templateFiles: RepoFiles;
  config: ResolvedConfig;
  signal?: AbortSignal;
  onOutput?: (line: string) => void;
  /**
   * Whether the caller would run the whole job again rather than report this failure (a provider
   * or the state backend out of reach, attempts left): the run is recorded as failed, then the
   * error is thrown instead of returned.
   */
  mayRetry?: (error: unknown) => boolean;
  /**
   * Hibernation (core/hibernation): this operation puts the environment to sleep (a destroy, or an
   * apply of its sleep values) or wakes it. Its record keeps its lifetime and says it sleeps, and
   * the event is hibernated or woke, not destroyed or applied. `until`: the schedule's next change.
   */
  hibernation?: { purpose: "sleep" | "wake"; until?: Date };
  /**
   * Environments planned in the same pull request as this one, with the output values their plans
   * know: this plan takes its inputs from them rather than from their last apply.
   */
  plannedUpstreams?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /**
   * A plan's changes as soon as Terraform planned them, before the attributes of each are read
   * (TerraformRunOptions.onPreview): a pull request shows them at once. Redacted.
   */
  onPlanPreview?: (preview: PlanPreview) => Promise<void>;
}
