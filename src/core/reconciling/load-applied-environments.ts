import type { ResolvedConfig } from "../config/repository-config.js";
import { environmentFile, type Environment } from "../environment/index.js";
import type { EnvironmentRecord, RepoFiles, Store } from "../ports.js";
import { validateEnvironments } from "../validation/index.js";
import { formatDiagnosticLine } from "../diagnostics/index.js";
import { MAX_YAML_FILE_BYTES } from "../yaml/index.js";

export interface AppliedEnvironment {
  record: EnvironmentRecord;
  file: string;
  /** The definition at the default branch, when it is there and valid. */
  environment?: Environment;
  /** Why the definition cannot be used, when it cannot. */
  problems: string[];
}

/** Statuses of environments envbot has applied and not destroyed. */
const LIVE = new Set(["active", "expiring", "failed", "applying", "destroying"]);

/**
 * The environments envbot itself applied in this repository (a first successful apply on
 * record, not destroyed since), each with its definition from the default branch.
 */
export async function loadAppliedEnvironments(input: { store: Store; repository: string; files: RepoFiles; now: Date }): Promise<{ applied: AppliedEnvironment[]; config: ResolvedConfig }> {
  const records = (await input.store.listEnvironments(input.repository)).filter((r) => r.firstAppliedAt !== undefined && LIVE.has(r.status));
  const documents = [];
  const missing = new Set<string>();
  for (const record of records) {
    const file = environmentFile(record.name);
    const content = await input.files.readFile(file, MAX_YAML_FILE_BYTES);
    if (content) documents.push({ file, content });
    else missing.add(record.name);
  }
  const report = await validateEnvironments({ repo: input.files, documents, now: input.now });
  const valid = new Map(report.environments.map((e) => [e.name, e]));
  const applied = records.map((record): AppliedEnvironment => {
    const file = environmentFile(record.name);
    if (missing.has(record.name)) return { record, file, problems: [`${file} is not on the default branch`] };
    const problems = report.diagnostics.filter((d) => d.file === file).map(formatDiagnosticLine);
    return { record, file, environment: problems.length === 0 ? valid.get(record.name) : undefined, problems };
  });
  return { applied, config: report.config };
}
