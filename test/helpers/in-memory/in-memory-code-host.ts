import type { Approval, ChangedFile, CodeHost, Permission, RepoFiles } from "../../../src/core/ports/index.js";

/**
 * A CodeHost without GitHub, for orchestration tests: commits (and branches) as file maps, the
 * changed files of pull requests, and permissions by login.
 */
export class InMemoryCodeHost implements CodeHost {
  readonly commits = new Map<string, Record<string, string>>();
  readonly changedFiles = new Map<number, ChangedFile[]>();
  readonly permissions = new Map<string, Permission>();
  /** Pull request number -> whose latest review approves, and of which commit. */
  readonly approvals = new Map<number, Approval[]>();
  /** Commit -> its parents, first parent first; without an entry, the branch "main" as it is. */
  readonly parents = new Map<string, string[]>();
  /** "org/team" -> its members' logins. */
  readonly teams = new Map<string, Set<string>>();

  async listChangedFiles(_repository: string, number: number): Promise<ChangedFile[]> {
    return this.changedFiles.get(number) ?? [];
  }

  filesAt(_repository: string, ref: string): RepoFiles {
    const files = () => {
      const found = this.commits.get(ref);
      if (!found) throw new Error(`no commit ${ref}`);
      return found;
    };
    return {
      async readFile(path, maxBytes) {
        const text = files()[path];
        if (text === undefined) return undefined;
        const bytes = new TextEncoder().encode(text);
        return { size: bytes.length, bytes: bytes.length > maxBytes ? new Uint8Array() : bytes };
      },
      async listDirectory(path) {
        const prefix = path === "" ? "" : `${path.replace(/\/$/, "")}/`;
        const names = new Set(Object.keys(files()).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split("/")[0]!));
        return names.size === 0 ? undefined : [...names].sort();
      },
    };
  }

  async permissionOf(_repository: string, login: string): Promise<Permission> {
    return this.permissions.get(login) ?? "none";
  }

  async listApprovals(_repository: string, number: number): Promise<Approval[]> {
    return this.approvals.get(number) ?? [];
  }

  async parentsOf(_repository: string, sha: string): Promise<string[]> {
    return this.parents.get(sha) ?? ["main"];
  }

  async isTeamMember(org: string, team: string, login: string): Promise<boolean> {
    return this.teams.get(`${org}/${team}`)?.has(login) ?? false;
  }
}
