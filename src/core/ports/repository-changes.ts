import type { AdoptedValue, NotAdopted } from "../planning/index.js";
import type { RepoFiles } from "./repo-files.js";

/** A change the control plane proposes to a repository: on GitHub, a pull request from a new branch. */
export interface ProposedChange {
  repository: string;
  /** The branch it goes into: the default branch. */
  base: string;
  /** The new branch it is made on. */
  branch: string;
  /** Path -> new content; null deletes the file. */
  files: Readonly<Record<string, string | null>>;
  /** Why: the adapter words the title and description from it. */
  reason: ChangeReason;
}

/** What a proposed change does, and who asked (as people read it). */
export type ChangeReason =
  | { kind: "request"; environment: string; template: string; requestedBy: string; file: string }
  | { kind: "extend"; environment: string; requestedBy: string; file: string; from: string; to: string }
  | { kind: "destroy"; environment: string; requestedBy: string; file: string }
  /** Drifted values written into the definition (core/environment-actions/adopt-drift.ts), and the drift no variable controls. */
  | { kind: "adopt"; environment: string; requestedBy: string; file: string; adopted: AdoptedValue[]; notAdopted: NotAdopted[] };

/** Where the control plane reads a repository's default branch and proposes changes (Git stays the truth). */
export interface RepositoryChanges {
  defaultBranch(repository: string): Promise<string>;
  filesAt(repository: string, ref: string): RepoFiles;
  propose(change: ProposedChange): Promise<{ number: number; url: string; branch: string }>;
}
