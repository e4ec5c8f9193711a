import { createHash } from "node:crypto";
import { CONFIG_PATH } from "../../core/config/repository-config.js";
import { ENVIRONMENTS_DIR } from "../../core/environment/environment.js";
import type { RepoFile, RepoFiles } from "../../core/ports/index.js";
import { TEMPLATES_DIR } from "../../core/template/index.js";
import { filesOfTarball } from "./read-tarball.js";
import { splitRepository, statusOf, type Octokit } from "./octokit-types.js";

/**
 * A repository read at one commit with a constant number of GitHub requests, whatever the number
 * of environments: one recursive tree, then the files envbot reads (definitions, templates, the
 * config) as single blobs when only a few are missing here, or all at once from one archive of the
 * commit when more are. Trees are kept per commit and blobs by their id, which is their content's
 * hash, so a definition unchanged between two commits is never fetched again. A branch's head is
 * asked for with the ETag of the last answer: GitHub's 304 does not count against the budget.
 * One instance serves the whole process, so every job of a commit shares what one of them read.
 */
export interface RepositorySnapshotLimits {
  /** Commits whose trees are kept (each is a list of paths and blob ids)... */
  trees: number;
  /**
   * ...and their entries (paths) in all, about 300 bytes each: an installation's hundred small
   * repositories all stay held, a monorepo's tree pushes out the oldest.
   */
  treeEntries: number;
  /** Bytes of file content kept, across commits. */
  blobBytes: number;
  /** At most this many missing blobs are fetched one by one; more, and the commit's archive is read. */
  singleBlobReads: number;
  /** A commit whose files add up to more than this is never read as an archive. */
  archiveBytes: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: RepositorySnapshotLimits = { trees: 1024, treeEntries: 200_000, blobBytes: 64 * 1024 * 1024, singleBlobReads: 3, archiveBytes: 64 * 1024 * 1024 };

/** What envbot reads of a repository: worth taking from the archive when it is read anyway. */
function envbotReads(path: string): boolean {
  return path.startsWith(`${ENVIRONMENTS_DIR}/`) || path.startsWith(`${TEMPLATES_DIR}/`) || path === CONFIG_PATH;
}

const COMMIT_SHA = /^[0-9a-f]{40}$/;
const SYMLINK_MODE = "120000";

interface TreeEntry {
  type: "blob" | "tree" | "commit";
  sha: string;
  size: number;
  mode: string;
}

interface Snapshot {
  /** undefined: no such commit (every read answers "no such file"). */
  entries: Map<string, TreeEntry> | undefined;
  children: Map<string, string[]>;
  /** GitHub cut the tree short (over 100,000 entries): this commit is read file by file. */
  truncated: boolean;
  /** Set at the first missing file: the archive read, or nothing when few files were missing. */
  archive?: Promise<void>;
}

export interface RepositoryReadCounts {
  refs: number;
  refsNotModified: number;
  trees: number;
  blobs: number;
  archives: number;
}

export class RepositorySnapshots {
  private readonly trees = new Map<string, Promise<Snapshot>>();
  /** Entries of each tree kept, once read. */
  private readonly treeSizes = new Map<string, number>();
  private treeEntries = 0;
  private readonly blobs = new Map<string, Uint8Array>();
  private blobBytes = 0;
  private readonly heads = new Map<string, { etag: string; sha: string }>();
  private readonly pendingHeads = new Map<string, Promise<string | undefined>>();
  /** What this process asked GitHub for, by kind (the tests read it). */
  readonly counts: RepositoryReadCounts = { refs: 0, refsNotModified: 0, trees: 0, blobs: 0, archives: 0 };

  constructor(private readonly limits: RepositorySnapshotLimits = DEFAULT_SNAPSHOT_LIMITS) {}

  /** Forgets everything read (a test's GitHub starts anew; commit ids there are not unique across tests). */
  clear(): void {
    this.trees.clear();
    this.treeSizes.clear();
    this.treeEntries = 0;
    this.blobs.clear();
    this.blobBytes = 0;
    this.heads.clear();
  }

  /** The repository at `ref`: a commit id, or a branch whose head is looked up once, at the first read. */
  filesAt(octokit: Octokit, repository: string, ref: string): RepoFiles {
    let snapshot: Promise<{ snapshot: Snapshot; commit: string } | undefined> | undefined;
    const opened = () =>
      (snapshot ??= (COMMIT_SHA.test(ref) ? Promise.resolve(ref) : this.headOf(octokit, repository, ref)).then(async (commit) =>
        commit === undefined ? undefined : { snapshot: await this.snapshotOf(octokit, repository, commit), commit },
      ));
    // One contents-API reader per commit read here, so its answers stay cached between reads.
    let contents: RepoFiles | undefined;
    const fallback = (commit: string) => (contents ??= contentsApiRepoFiles(octokit, repository, commit));
    return {
      readFile: async (path, maxBytes) => {
        const open = await opened();
        if (!open) return undefined;
        if (open.snapshot.truncated) return fallback(open.commit).readFile(path, maxBytes);
        return this.readFile(octokit, repository, open.commit, open.snapshot, path, maxBytes);
      },
      listDirectory: async (path) => {
        const open = await opened();
        if (!open) return undefined;
        if (open.snapshot.truncated) return fallback(open.commit).listDirectory(path);
        return open.snapshot.children.get(path.replace(/\/+$/, ""));
      },
    };
  }

  /** The commit a branch points at; undefined when there is no such branch. */
  async headOf(octokit: Octokit, repository: string, branch: string): Promise<string | undefined> {
    const key = `${repository.toLowerCase()}#${branch}`;
    let pending = this.pendingHeads.get(key);
    if (!pending) {
      pending = this.askHead(octokit, repository, branch, key).finally(() => this.pendingHeads.delete(key));
      this.pendingHeads.set(key, pending);
    }
    return pending;
  }

  private async askHead(octokit: Octokit, repository: string, branch: string, key: string): Promise<string | undefined> {
    const { owner, repo } = splitRepository(repository);
    const known = this.heads.get(key);
    this.counts.refs++;
    try {
      const response = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}`, headers: known ? { "if-none-match": known.etag } : {} });
      const sha = response.data.object.sha;
      const etag = response.headers.etag;
      if (etag) this.heads.set(key, { etag, sha });
      return sha;
    } catch (error) {
      if (statusOf(error) === 304 && known) {
        this.counts.refsNotModified++;
        return known.sha;
      }
      if (statusOf(error) === 404 || statusOf(error) === 409) return undefined;
      throw error;
    }
  }

  private snapshotOf(octokit: Octokit, repository: string, commit: string): Promise<Snapshot> {
    const key = `${repository.toLowerCase()}@${commit}`;
    let snapshot = this.trees.get(key);
    if (snapshot) {
      // Most recently used last: the oldest is dropped first.
      this.trees.delete(key);
      this.trees.set(key, snapshot);
      return snapshot;
    }
    const reading = this.readTree(octokit, repository, commit);
    this.trees.set(key, reading);
    reading.then(
      (read) => {
        if (this.trees.get(key) !== reading) return;
        const entries = read.entries?.size ?? 0;
        this.treeSizes.set(key, entries);
        this.treeEntries += entries;
        this.dropOldestTrees();
      },
      () => {
        if (this.trees.get(key) === reading) this.dropTree(key);
      },
    );
    this.dropOldestTrees();
    return reading;
  }

  /** Within the limits, the most recent tree always kept. */
  private dropOldestTrees(): void {
    for (const oldest of this.trees.keys()) {
      if (this.trees.size <= 1 || (this.trees.size <= this.limits.trees && this.treeEntries <= this.limits.treeEntries)) break;
      this.dropTree(oldest);
    }
  }

  private dropTree(key: string): void {
    this.trees.delete(key);
    this.treeEntries -= this.treeSizes.get(key) ?? 0;
    this.treeSizes.delete(key);
  }

  private async readTree(octokit: Octokit, repository: string, commit: string): Promise<Snapshot> {
    const { owner, repo } = splitRepository(repository);
    this.counts.trees++;
    let data: { truncated: boolean; tree: { path?: string; type?: string; sha?: string; size?: number; mode?: string }[] };
    try {
      ({ data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: commit, recursive: "1" }));
    } catch (error) {
      // 404: no such commit; 409: an empty repository.
      if (statusOf(error) === 404 || statusOf(error) === 409) return { entries: undefined, children: new Map(), truncated: false };
      throw error;
    }
    const entries = new Map<string, TreeEntry>();
    const children = new Map<string, string[]>();
    for (const item of data.tree) {
      if (!item.path || !item.sha || (item.type !== "blob" && item.type !== "tree" && item.type !== "commit")) continue;
      entries.set(item.path, { type: item.type, sha: item.sha, size: item.size ?? 0, mode: item.mode ?? "" });
      const slash = item.path.lastIndexOf("/");
      const parent = slash < 0 ? "" : item.path.slice(0, slash);
      const siblings = children.get(parent) ?? [];
      siblings.push(item.path.slice(slash + 1));
      children.set(parent, siblings);
    }
    return { entries, children, truncated: data.truncated };
  }

  private async readFile(octokit: Octokit, repository: string, commit: string, snapshot: Snapshot, path: string, maxBytes: number): Promise<RepoFile | undefined> {
    const entry = snapshot.entries?.get(path);
    // Links and submodules are not files envbot reads (the contents API called them so too).
    if (!entry || entry.type !== "blob" || entry.mode === SYMLINK_MODE) return undefined;
    if (entry.size > maxBytes) return { size: entry.size, bytes: new Uint8Array() };
    const kept = this.keptBlob(entry.sha);
    if (kept) return { size: entry.size, bytes: kept };
    if (envbotReads(path)) {
      // Decided once per commit, at its first missing file: the archive, or blob by blob.
      await (snapshot.archive ??= this.missingReads(snapshot) > this.limits.singleBlobReads && this.archiveFits(snapshot)
        ? this.readArchive(octokit, repository, commit, snapshot).catch(() => undefined) // then blob by blob, whose errors say more
        : Promise.resolve());
      const fromArchive = this.keptBlob(entry.sha);
      if (fromArchive) return { size: entry.size, bytes: fromArchive };
    }
    return { size: entry.size, bytes: await this.readBlob(octokit, repository, entry.sha) };
  }

  /** Files envbot reads at this commit that this process does not hold yet. */
  private missingReads(snapshot: Snapshot): number {
    let missing = 0;
    for (const [path, entry] of snapshot.entries ?? []) {
      if (entry.type === "blob" && envbotReads(path) && !this.blobs.has(entry.sha)) missing++;
    }
    return missing;
  }

  private archiveFits(snapshot: Snapshot): boolean {
    let bytes = 0;
    for (const entry of snapshot.entries?.values() ?? []) if (entry.type === "blob") bytes += entry.size;
    return bytes <= this.limits.archiveBytes;
  }

  private async readArchive(octokit: Octokit, repository: string, commit: string, snapshot: Snapshot): Promise<void> {
    const { owner, repo } = splitRepository(repository);
    this.counts.archives++;
    // GitHub answers with a redirect to its archive host; Octokit follows it (that host is not the API).
    const { data } = await octokit.rest.repos.downloadTarballArchive({ owner, repo, ref: commit });
    for (const file of await filesOfTarball(Buffer.from(data as ArrayBuffer))) {
      // GitHub's archives hold everything under one folder named after the repository and commit.
      const path = file.path.slice(file.path.indexOf("/") + 1);
      const entry = snapshot.entries?.get(path);
      // Only what the tree names, byte for byte (an export-subst or LFS file differs and is read as a blob).
      if (entry?.type === "blob" && envbotReads(path) && gitBlobId(file.bytes) === entry.sha) this.keepBlob(entry.sha, file.bytes);
    }
  }

  private async readBlob(octokit: Octokit, repository: string, sha: string): Promise<Uint8Array> {
    const { owner, repo } = splitRepository(repository);
    this.counts.blobs++;
    const { data } = await octokit.rest.git.getBlob({ owner, repo, file_sha: sha });
    const bytes = new Uint8Array(Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8"));
    this.keepBlob(sha, bytes);
    return bytes;
  }

  private keptBlob(sha: string): Uint8Array | undefined {
    const bytes = this.blobs.get(sha);
    if (bytes) {
      this.blobs.delete(sha);
      this.blobs.set(sha, bytes);
    }
    return bytes;
  }

  private keepBlob(sha: string, bytes: Uint8Array): void {
    if (this.blobs.has(sha) || bytes.length > this.limits.blobBytes) return;
    this.blobs.set(sha, bytes);
    this.blobBytes += bytes.length;
    for (const [oldest, old] of this.blobs) {
      if (this.blobBytes <= this.limits.blobBytes) break;
      this.blobs.delete(oldest);
      this.blobBytes -= old.length;
    }
  }
}

/** Git's id of a blob: the SHA-1 of its header and content. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * A repository at one commit through the contents API, a request per file and folder: for a
 * commit whose tree GitHub cuts short. Answers are cached for the life of the object.
 */
export function contentsApiRepoFiles(octokit: Octokit, repository: string, ref: string): RepoFiles {
  const { owner, repo } = splitRepository(repository);
  const cache = new Map<string, Promise<unknown>>();
  const contents = (path: string): Promise<unknown> => {
    let pending = cache.get(path);
    if (!pending) {
      pending = octokit.rest.repos
        .getContent({ owner, repo, path, ref })
        .then((r) => r.data as unknown)
        .catch((error: unknown) => {
          if (statusOf(error) === 404) return undefined;
          throw error;
        });
      cache.set(path, pending);
    }
    return pending;
  };

  return {
    async readFile(path, maxBytes): Promise<RepoFile | undefined> {
      const data = (await contents(path)) as { type?: string; size?: number; content?: string; encoding?: string } | unknown[] | undefined;
      if (!data || Array.isArray(data) || data.type !== "file") return undefined;
      const size = data.size ?? 0;
      if (size > maxBytes) return { size, bytes: new Uint8Array() };
      if (data.encoding === "base64" && data.content !== undefined) return { size, bytes: new Uint8Array(Buffer.from(data.content, "base64")) };
      // Files over 1 MB come without content: ask for the raw bytes.
      const raw = await octokit.rest.repos.getContent({ owner, repo, path, ref, mediaType: { format: "raw" } });
      const bytes = typeof raw.data === "string" ? new TextEncoder().encode(raw.data) : new Uint8Array(raw.data as unknown as ArrayBuffer);
      return { size, bytes };
    },

    async listDirectory(path) {
      const data = await contents(path);
      return Array.isArray(data) ? data.map((entry: { name: string }) => entry.name) : undefined;
    },
  };
}

/** The one instance of this process. */
export const repositorySnapshots = new RepositorySnapshots();
