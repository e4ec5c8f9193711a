import { configSchema, type NotificationRoute, type PolicyConfig, type RepositoryConfig } from "../../generated/schemas.js";
import type { AwsRoleChoice } from "../credentials/cloud-roles.js";
import { parseDuration } from "../duration/duration.js";
import type { HibernationSpec } from "../hibernation/resolve-hibernation.js";

/** Where the repository policy lives; always read from the default branch (docs/trust-model). */
export const CONFIG_PATH = ".github/envbot.yml";

/** The repository policy with every default filled in. The defaults live in the schema. */
export interface ResolvedConfig {
  state: { backend: "local" | "s3" | "pg"; s3?: { bucket: string; region?: string; keyPrefix?: string }; pg?: { schemaPrefix?: string } };
  /** Cron expressions; `orphans` is opt-in (unset: no orphan sweep). */
  schedules: { expiry: string; drift: string; orphans?: string };
  limits: {
    maxTtl: string;
    maxTtlMs: number;
    /** Given to an unprotected definition without ttl or expiresAt; unset, it is long-lived. */
    defaultTtl?: string;
    defaultTtlMs?: number;
    expiryWarning: string;
    expiryWarningMs: number;
    maxDestroysPerSweep: number;
    maxEnvironmentsPerPullRequest: number;
  };
  expiry: { cleanupPullRequest: boolean };
  /** Who may do what (see core/policy); empty: anyone with write permission. */
  policy: PolicyConfig;
  /** Where events about the repository's environments go (see core/notifications); none by default. */
  notifications: { routes: NotificationRoute[] };
  /** The cloud roles runs assume (core/credentials); none by default. */
  credentials: { aws?: AwsRoleChoice };
  /** The awake schedule of environments that are not protected and name none (core/hibernation); none by default. */
  hibernation: { default?: HibernationSpec };
  /**
   * The file is there but has mistakes: the rest is the defaults, and every decision the policy
   * governs is refused until it is fixed (never decided as if there were no rules).
   */
  unreadable?: true;
}

const props = configSchema.properties;

export function resolveConfig(raw: RepositoryConfig = {}): ResolvedConfig {
  const maxTtl = raw.limits?.maxTtl ?? props.limits.properties.maxTtl.default;
  const expiryWarning = raw.limits?.expiryWarning ?? props.limits.properties.expiryWarning.default;
  return {
    state: { ...raw.state, backend: raw.state?.backend ?? props.state.properties.backend.default },
    schedules: {
      expiry: raw.schedules?.expiry ?? props.schedules.properties.expiry.default,
      drift: raw.schedules?.drift ?? props.schedules.properties.drift.default,
      ...(raw.schedules?.orphans !== undefined && { orphans: raw.schedules.orphans }),
    },
    limits: {
      maxTtl,
      maxTtlMs: parseDuration(maxTtl),
      ...(raw.limits?.defaultTtl !== undefined && { defaultTtl: raw.limits.defaultTtl, defaultTtlMs: parseDuration(raw.limits.defaultTtl) }),
      expiryWarning,
      expiryWarningMs: parseDuration(expiryWarning),
      maxDestroysPerSweep: raw.limits?.maxDestroysPerSweep ?? props.limits.properties.maxDestroysPerSweep.default,
      maxEnvironmentsPerPullRequest: raw.limits?.maxEnvironmentsPerPullRequest ?? props.limits.properties.maxEnvironmentsPerPullRequest.default,
    },
    expiry: { cleanupPullRequest: raw.expiry?.cleanupPullRequest ?? props.expiry.properties.cleanupPullRequest.default },
    policy: raw.policy ?? {},
    notifications: { routes: raw.notifications?.routes ?? [] },
    credentials: { ...(raw.credentials?.aws && { aws: raw.credentials.aws }) },
    hibernation: { ...(raw.hibernation?.default && { default: raw.hibernation.default }) },
  };
}
