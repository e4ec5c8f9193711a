import type { ChangedFile, CodeHost, Permission, RepoFiles } from "../../core/ports/index.js";
import { repositorySnapshots } from "./repository-snapshots.js";
import { splitRepository, statusOf, type Octokit } from "./octokit-types.js";
import { isActiveTeamMember } from "./team-membership.js";

/** GitHub lists at most 3,000 files of a pull request. */
const MAX_PULL_REQUEST_FILES = 3000;

/** The code host on GitHub's REST API, for one installation. */
export function githubCodeHost(octokit: Octokit): CodeHost {
  const memberships = new Map<string, Promise<boolean>>();
  return {
    async listChangedFiles(repository, number) {
      const { owner, repo } = splitRepository(repository);
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 100 });
      return files.slice(0, MAX_PULL_REQUEST_FILES).map(
        (f): ChangedFile => ({ path: f.filename, status: f.status, ...(f.previous_filename ? { previousPath: f.previous_filename } : {}) }),
      );
    },

    filesAt(repository, ref) {
      return githubRepoFiles(octokit, repository, ref);
    },

    async permissionOf(repository, login) {
      const { owner, repo } = splitRepository(repository);
      try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login });
        // role_name carries maintain and triage, which the older permission field folds away.
        const role = (data as { role_name?: string }).role_name;
        return (["admin", "maintain", "write", "triage", "read"].includes(role ?? "") ? role : data.permission) as Permission;
      } catch (error) {
        if (statusOf(error) === 404) return "none";
        throw error;
      }
    },
    async listApprovals(repository, number) {
      const { owner, repo } = splitRepository(repository);
      const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { owner, repo, pull_number: number, per_page: 100 });
      // Oldest first: a later review of the same person (changes requested, dismissed) replaces an approval.
      const latest = new Map<string, { state: string; commit: string }>();
      for (const review of reviews) {
        const login = review.user?.login;
        if (login && review.state !== "COMMENTED" && review.state !== "PENDING") latest.set(login, { state: review.state, commit: review.commit_id ?? "" });
      }
      return [...latest].filter(([, review]) => review.state === "APPROVED").map(([login, review]) => ({ login, commit: review.commit }));
    },
    async parentsOf(repository, sha) {
      const { owner, repo } = splitRepository(repository);
      const { data } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: sha });
      return data.parents.map((parent) => parent.sha);
    },
    isTeamMember(org, team, login) {
      // Asked once per team and login for the life of the host (one job).
      const key = `${org}/${team} ${login}`.toLowerCase();
      let answer = memberships.get(key);
      if (!answer) {
        answer = isActiveTeamMember(octokit, org, team, login);
        memberships.set(key, answer);
      }
      return answer;
    },
  };
}

/**
 * A repository at one commit (or a branch's head), read through the process's snapshots: a
 * constant number of requests per commit, shared by every job that reads it (see repository-snapshots).
 */
export function githubRepoFiles(octokit: Octokit, repository: string, ref: string): RepoFiles {
  return repositorySnapshots.filesAt(octokit, repository, ref);
}
