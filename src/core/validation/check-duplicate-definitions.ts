import type { Diagnostic } from "../diagnostics/index.js";
import { START_OF_FILE, type Position } from "../diagnostics/index.js";
import { baseName } from "../environment/index.js";
import { definedTwiceMessage, isDefinitionFile, listDefinitionFiles } from "../repository/index.js";
import type { RepoFile, RepoFiles } from "../ports/index.js";
import { MAX_YAML_FILE_BYTES, parseYamlFile } from "../yaml/index.js";
import type { DefinitionDocument } from "./definition-document.js";

const NAME_PATH = ["metadata", "name"] as const;

/**
 * Environments of the documents that more than one definition file defines (hij.yaml and hij.yml):
 * an error at metadata.name of every one of those files, the documents' and, when `definitions`
 * (the revision) is given, the others', so whichever file a person opens shows the conflict.
 */
export async function checkDuplicateDefinitions(input: {
  documents: readonly DefinitionDocument[];
  definitions?: RepoFiles;
}): Promise<{ duplicated: Set<string>; diagnostics: Diagnostic[] }> {
  const contents = new Map(input.documents.map((d) => [d.file, d.content]));
  // Listing costs a request on GitHub: none when there is nothing to check.
  const atRevision = input.definitions && input.documents.length > 0 ? await listDefinitionFiles(input.definitions) : new Map<string, string[]>();
  const groups = new Map<string, Set<string>>();
  for (const { file } of input.documents) {
    if (!isDefinitionFile(file)) continue;
    const name = baseName(file);
    groups.set(name, new Set([...(groups.get(name) ?? []), ...(atRevision.get(name) ?? []), file]));
  }

  const duplicated = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const [name, group] of groups) {
    if (group.size < 2) continue;
    const files = [...group].sort();
    for (const file of files) {
      duplicated.add(file);
      const content = contents.get(file) ?? (await input.definitions?.readFile(file, MAX_YAML_FILE_BYTES));
      diagnostics.push({ file, ...nameAt(file, content), path: NAME_PATH.join("."), message: definedTwiceMessage(name, files) });
    }
  }
  return { duplicated, diagnostics };
}

/** Where metadata.name is written, or the file's start when it cannot be found. */
function nameAt(file: string, content: RepoFile | undefined): Position {
  if (!content) return START_OF_FILE;
  const parsed = parseYamlFile({ file, bytes: content.bytes, size: content.size, expected: "an environment definition" });
  return parsed.ok ? parsed.locator.locate(NAME_PATH) : START_OF_FILE;
}
