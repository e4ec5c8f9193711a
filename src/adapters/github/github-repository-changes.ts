import type { RepoFiles, RepositoryChanges } from "../../core/ports/index.js";
import { renderProposal } from "../../render/proposal-texts.js";
import { defaultBranchOf, openFileChangePullRequest, updateOpenPullRequest } from "./git-branch-files.js";
import { githubCodeHost } from "./github-code-host.js";
import type { Octokit } from "./octokit-types.js";

/** The control plane's view of GitHub repositories: default branches, their files, and pull requests it opens. */
export function githubRepositoryChanges(octokitFor: (repository: string) => Promise<Octokit>): RepositoryChanges {
  return {
    async defaultBranch(repository) {
      return defaultBranchOf(await octokitFor(repository), repository);
    },
    filesAt(repository, ref): RepoFiles {
      const files = octokitFor(repository).then((octokit) => githubCodeHost(octokit).filesAt(repository, ref));
      // Nobody waits on a failure until a file is read: then it throws there.
      files.catch(() => undefined);
      return {
        readFile: async (path, maxBytes) => (await files).readFile(path, maxBytes),
        listDirectory: async (path) => (await files).listDirectory(path),
      };
    },
    async propose(change) {
      const texts = renderProposal(change.reason);
      const octokit = await octokitFor(change.repository);
      // One open extension per environment: a second request updates it instead of opening another.
      if (change.reason.kind === "extend") {
        const updated = await updateOpenPullRequest({ octokit, repository: change.repository, branchPrefix: `envbot/extend-${change.reason.environment}-`, files: change.files, ...texts });
        if (updated) return updated;
      }
      return openFileChangePullRequest({ octokit, repository: change.repository, base: change.base, branch: change.branch, files: change.files, ...texts });
    },
  };
}
