import type { ResolvedConfig } from "../config/repository-config.js";
import { environmentFile, type Environment } from "../environment/index.js";
import { explainUnreadable, listDefinitionFiles } from "../repository/index.js";
import type { EnvironmentRecord, RepoFiles, Store } from "../ports/index.js";
import { validateEnvironments, type DefinitionDocument } from "../validation/index.js";
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
 * record, not destroyed since), each with its definition from the default branch, found by the
 * same rule as everywhere (.yaml or .yml). Two files of one name make it unusable: nothing is
 * done to it until one is removed.
 */
export async function loadAppliedEnvironments(input: {
  store: Store;
  repository: string;
  files: RepoFiles;
  now: Date;
  /** Only these environments (a slice of a sweep). */
  only?: readonly string[];
}): Promise<{ applied: AppliedEnvironment[]; config: ResolvedConfig }> {
  // A slice (one fanned-out job) reads its own records, not the repository's every one.
  const candidates = input.only
    ? (await Promise.all(input.only.map((name) => input.store.getEnvironment(input.repository, name)))).flatMap((r) => (r ? [r] : []))
    : await input.store.listEnvironments(input.repository);
  const records = candidates.filter((r) => r.firstAppliedAt !== undefined && LIVE.has(r.status));
  const definitionFiles = await listDefinitionFiles(input.files);
  const documents: DefinitionDocument[] = [];
  const unreadable = new Map<string, string>();
  for (const record of records) {
    for (const file of definitionFiles.get(record.name) ?? []) {
      const content = await input.files.readFile(file, MAX_YAML_FILE_BYTES);
      if (content) documents.push({ file, content });
      else unreadable.set(file, `${file}: ${await explainUnreadable(input.files, file)}`);
    }
  }
  const report = await validateEnvironments({ repo: input.files, documents, definitions: input.files, now: input.now });
  const valid = new Map(report.environments.map((e) => [e.name, e]));
  const applied = records.map((record): AppliedEnvironment => {
    const files = definitionFiles.get(record.name) ?? [];
    const file = files[0] ?? environmentFile(record.name);
    if (files.length === 0) return { record, file, problems: [`${file} is not on the default branch`] };
    const problems = [
      ...files.flatMap((f) => unreadable.get(f) ?? []),
      ...report.diagnostics.filter((d) => files.includes(d.file)).map(formatDiagnosticLine),
    ];
    return { record, file, environment: problems.length === 0 ? valid.get(record.name) : undefined, problems };
  });
  return { applied, config: report.config };
}
