// Code host (GitHub): what a pull request changes, who may act on it, and the repository's files.

import type { RepoFiles } from "./repo-files.js";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface ChangedFile {
  path: string;
  status: "added" | "modified" | "removed" | "renamed" | "copied" | "changed" | "unchanged";
  /** For a rename: the path before. */
  previousPath?: string;
}

/** An approving review: who, and the commit it approved. */
export interface Approval {
  login: string;
  commit: string;
}

export interface CodeHost {
  /** The files a pull request changes. */
  listChangedFiles(repository: string, number: number): Promise<ChangedFile[]>;
  /** The repository's files at a commit or branch. */
  filesAt(repository: string, ref: string): RepoFiles;
  permissionOf(repository: string, login: string): Promise<Permission>;
  /**
   * The people whose latest review of the pull request approves it, each with the commit the
   * review was of: the policy counts only approvals of the head commit (see core/policy).
   */
  listApprovals(repository: string, number: number): Promise<Approval[]>;
  /** A commit's parents, first parent first: a merge is judged by the policy of its first parent. */
  parentsOf(repository: string, sha: string): Promise<string[]>;
  /** An active member of the team `org/team`: the policy names teams (see core/policy). */
  isTeamMember(org: string, team: string, login: string): Promise<boolean>;
}
