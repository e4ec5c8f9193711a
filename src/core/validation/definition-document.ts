import type { RepoFile } from "../ports/index.js";

export interface DefinitionDocument {
  /** Path shown in diagnostics; repository-relative for files in the repository. */
  file: string;
  content: RepoFile;
}
