import { splitRepository, statusOf, type Octokit } from "./octokit-types.js";

// Branches and files through GitHub's REST API: what the pull requests envbot opens are made of.

/** The blob id of a file at `ref`, which a delete must name; undefined when there is no such file. */
export async function fileSha(octokit: Octokit, repository: string, path: string, ref: string): Promise<string | undefined> {
  const { owner, repo } = splitRepository(repository);
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref });
    return !Array.isArray(data) && data.type === "file" ? data.sha : undefined;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** false when the branch already exists (an earlier attempt made it); other failures throw. */
export async function createBranch(octokit: Octokit, repository: string, branch: string, sha: string): Promise<boolean> {
  const { owner, repo } = splitRepository(repository);
  try {
    await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
    return true;
  } catch (error) {
    // GitHub answers 422 for an existing ref, and for other invalid requests: ask which it was.
    if (statusOf(error) !== 422) throw error;
    const exists = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }).then(
      () => true,
      (lookup: unknown) => {
        if (statusOf(lookup) === 404) return false;
        throw lookup;
      },
    );
    if (!exists) throw error;
    return false;
  }
}

/**
 * Opens a pull request from a new branch off `base` that writes each file of `files` (null
 * deletes it), one commit per file. Returns its number and address.
 */
export async function openFileChangePullRequest(input: {
  octokit: Octokit;
  repository: string;
  base: string;
  branch: string;
  files: Readonly<Record<string, string | null>>;
  title: string;
  body: string;
  commitMessage: string;
}): Promise<{ number: number; url: string; branch: string }> {
  const { octokit, branch } = input;
  const { owner, repo } = splitRepository(input.repository);
  const { data: head } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${input.base}` });
  if (!(await createBranch(octokit, input.repository, branch, head.object.sha))) throw new Error(`the branch ${branch} exists already`);
  await writeFiles(octokit, input.repository, branch, input.files, input.commitMessage);
  const { data: pull } = await octokit.rest.pulls.create({ owner, repo, title: input.title, body: input.body, head: branch, base: input.base });
  return { number: pull.number, url: pull.html_url, branch };
}

/** The repository's default branch. */
export async function defaultBranchOf(octokit: Octokit, repository: string): Promise<string> {
  const { data } = await octokit.rest.repos.get(splitRepository(repository));
  return data.default_branch;
}

/**
 * Writes `files` onto the branch of an open pull request whose branch starts with
 * `branchPrefix`, and gives it the new title and description; undefined when there is none.
 */
export async function updateOpenPullRequest(input: {
  octokit: Octokit;
  repository: string;
  branchPrefix: string;
  files: Readonly<Record<string, string | null>>;
  title: string;
  body: string;
  commitMessage: string;
}): Promise<{ number: number; url: string; branch: string } | undefined> {
  const { octokit } = input;
  const { owner, repo } = splitRepository(input.repository);
  const { data: open } = await octokit.rest.pulls.list({ owner, repo, state: "open", per_page: 100 });
  const pull = open.find((p) => p.head.ref.startsWith(input.branchPrefix) && p.head.repo?.full_name === input.repository);
  if (!pull) return undefined;
  const branch = pull.head.ref;
  await writeFiles(octokit, input.repository, branch, input.files, input.commitMessage);
  await octokit.rest.pulls.update({ owner, repo, pull_number: pull.number, title: input.title, body: input.body });
  return { number: pull.number, url: pull.html_url, branch };
}

/** Writes each file onto `branch` (null deletes it), one commit per file. */
async function writeFiles(octokit: Octokit, repository: string, branch: string, files: Readonly<Record<string, string | null>>, message: string): Promise<void> {
  const { owner, repo } = splitRepository(repository);
  for (const [path, content] of Object.entries(files)) {
    const sha = await fileSha(octokit, repository, path, branch);
    if (content === null) {
      if (sha !== undefined) await octokit.rest.repos.deleteFile({ owner, repo, path, message, sha, branch });
    } else {
      await octokit.rest.repos.createOrUpdateFileContents({ owner, repo, path, message, content: Buffer.from(content).toString("base64"), branch, ...(sha ? { sha } : {}) });
    }
  }
}
