/** A sensitive value kept for an environment, and when it last changed. */
export interface SensitiveValue {
  value: unknown;
  /** Moves only when a different value is kept: the drift check compares it, never the value. */
  changedAt: Date;
}

/**
 * What an environment's sensitive values are to it: "output", the sensitive outputs of its last
 * apply, passed to the environments that take them; "input", the sensitive outputs of others its
 * last apply took, which its state holds (its next plan's redactor hides them too: a resource may
 * echo one into an attribute Terraform does not mark sensitive).
 */
export type SensitiveValueKind = "output" | "input";

/**
 * The sensitive values of each environment (issue 31), kept like a certificate's key: only for
 * the runs that hand them to Terraform or hide them. Never listed, never in a run's summary, an
 * event or the API.
 */
export interface SensitiveValueRecords {
  /** Replaces the environment's values of `kind` with `values` (none: forgets them); an unchanged value keeps its changedAt. */
  keepSensitiveValues(repository: string, environment: string, kind: SensitiveValueKind, values: Readonly<Record<string, unknown>>, at: Date): Promise<void>;
  getSensitiveValues(repository: string, environment: string, kind: SensitiveValueKind): Promise<Record<string, SensitiveValue>>;
}
