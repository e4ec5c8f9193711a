import { DEFAULT_SNAPSHOT_LIMITS, RepositorySnapshots } from "../../../src/adapters/github/repository-snapshots.js";
import type { Octokit } from "../../../src/adapters/github/octokit-types.js";
import { sha } from "../../helpers/fixtures.js";
import { FakeGitHub } from "../../helpers/github/fake-github.js";
import { recordedGitHubRequests, setupGitHubMock } from "../../helpers/github/github-mock.js";
import { createTestProbot } from "../../helpers/github/test-probot.js";

// How envbot reads a repository at a commit (adapters/github/repository-snapshots.ts), against the
// stubbed GitHub: the answers are the files, and the requests are a constant per commit.

const mock = setupGitHubMock();
let github: FakeGitHub;
let octokit: Octokit;
let snapshots: RepositorySnapshots;
const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes).toString("utf8"));

const definitions = (count: number, extra = "") =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`environments/env-${String(i).padStart(2, "0")}.yaml`, `metadata:\n  name: env-${i}\n${extra}`]));
const files = (count: number): Record<string, string> => ({ ".github/envbot.yml": "version: 1\n", "templates/sandbox/main.tf": "# a module\n", "README.md": "hello\n", ...definitions(count) });

beforeEach(async () => {
  mock.before();
  github = new FakeGitHub();
  github.install();
  const probot = await createTestProbot(() => undefined);
  octokit = (await probot.auth(github.installationId)) as unknown as Octokit;
  snapshots = new RepositorySnapshots();
});
afterEach(() => {
  github.uninstall();
  mock.after();
});

test("a commit of 20 definitions is read with one tree and one archive; files and folders answer as the contents API did", async () => {
  github.commit(sha("c1"), files(20));
  const repo = snapshots.filesAt(octokit, github.fullName, sha("c1"));
  const names = (await repo.listDirectory("environments"))!;
  expect(names).toHaveLength(20);
  for (const name of names) expect(text((await repo.readFile(`environments/${name}`, 65536))?.bytes)).toBe(files(20)[`environments/${name}`]);
  expect(text((await repo.readFile(".github/envbot.yml", 65536))?.bytes)).toBe("version: 1\n");
  expect(await repo.listDirectory("")).toEqual(expect.arrayContaining([".github", "README.md", "environments", "templates"]));
  expect(await repo.listDirectory("templates/")).toEqual(["sandbox"]);
  // No such file or folder; a folder is not a file; a file over the caller's limit comes without content.
  expect(await repo.readFile("environments/absent.yaml", 65536)).toBeUndefined();
  expect(await repo.listDirectory("absent")).toBeUndefined();
  expect(await repo.readFile("environments", 65536)).toBeUndefined();
  expect(await repo.readFile("README.md", 3)).toEqual({ size: 6, bytes: new Uint8Array() });
  expect(snapshots.counts).toMatchObject({ trees: 1, archives: 1, blobs: 0 });
  expect(github.archivesServed).toBe(1);
});

test("the next commit, with one definition changed, costs its tree and that one file; the same commit read again costs nothing", async () => {
  github.commit(sha("c1"), files(20));
  github.commit(sha("c2"), { ...files(20), "environments/env-07.yaml": "metadata:\n  name: env-7\nchanged: true\n" });
  const first = snapshots.filesAt(octokit, github.fullName, sha("c1"));
  for (const name of (await first.listDirectory("environments"))!) await first.readFile(`environments/${name}`, 65536);
  const before = recordedGitHubRequests().length;

  const second = snapshots.filesAt(octokit, github.fullName, sha("c2"));
  for (const name of (await second.listDirectory("environments"))!) await second.readFile(`environments/${name}`, 65536);
  expect(text((await second.readFile("environments/env-07.yaml", 65536))?.bytes)).toContain("changed: true");
  expect(recordedGitHubRequests().slice(before).map((r) => r.path.replace(/^\/repos\/acme\/environments/, ""))).toEqual([`/git/trees/${sha("c2")}?recursive=1`, expect.stringMatching(/^\/git\/blobs\/[0-9a-f]{40}$/)]);

  const again = snapshots.filesAt(octokit, github.fullName, sha("c2"));
  await again.readFile("environments/env-07.yaml", 65536);
  expect(recordedGitHubRequests().length).toBe(before + 2);
});

test("a branch's head is asked for with the last answer's ETag: unchanged, GitHub answers 304; moved, the new commit", async () => {
  github.commit("main", files(2));
  const head = await snapshots.headOf(octokit, github.fullName, "main");
  expect(head).toBe(github.headOf("main"));
  expect(await snapshots.headOf(octokit, github.fullName, "main")).toBe(head);
  expect([github.notModified, snapshots.counts.refsNotModified]).toEqual([1, 1]);

  github.commit("main", files(3));
  expect(await snapshots.headOf(octokit, github.fullName, "main")).toBe(github.headOf("main"));
  expect(github.headOf("main")).not.toBe(head);
  expect(await snapshots.headOf(octokit, github.fullName, "no-such-branch")).toBeUndefined();
});

test("a tree GitHub cut short is read file by file through the contents API", async () => {
  github.truncateTrees = true;
  github.commit(sha("huge"), files(5));
  const repo = snapshots.filesAt(octokit, github.fullName, sha("huge"));
  expect(await repo.listDirectory("environments")).toHaveLength(5);
  expect(text((await repo.readFile("environments/env-03.yaml", 65536))?.bytes)).toBe(files(5)["environments/env-03.yaml"]);
  expect(recordedGitHubRequests().filter((r) => r.path.includes("/contents/"))).toHaveLength(2);
  expect(snapshots.counts.archives).toBe(0);
});

test("a file the archive holds otherwise than the commit (export-subst, LFS) is read as its blob, never from the archive", async () => {
  github.commit(sha("c1"), files(10));
  github.archiveDifferences.set("environments/env-04.yaml", "metadata:\n  name: rewritten by export-subst\n");
  const repo = snapshots.filesAt(octokit, github.fullName, sha("c1"));
  expect(text((await repo.readFile("environments/env-04.yaml", 65536))?.bytes)).toBe(files(10)["environments/env-04.yaml"]);
  expect(text((await repo.readFile("environments/env-05.yaml", 65536))?.bytes)).toBe(files(10)["environments/env-05.yaml"]);
  expect(snapshots.counts).toMatchObject({ archives: 1, blobs: 1 });
});

test("a commit that does not exist reads as no files, without an error", async () => {
  const repo = snapshots.filesAt(octokit, github.fullName, sha("never"));
  expect(await repo.readFile(".github/envbot.yml", 65536)).toBeUndefined();
  expect(await repo.listDirectory("environments")).toBeUndefined();
});

test("trees are kept by their entries: a hundred small commits all stay held; past the limit the least recently read goes first", async () => {
  for (let i = 0; i < 100; i++) github.commit(sha(`small-${i}`), files(2));
  for (const round of [1, 2]) for (let i = 0; i < 100; i++) await snapshots.filesAt(octokit, github.fullName, sha(`small-${i}`)).listDirectory("environments");
  expect(snapshots.counts.trees).toBe(100);

  // 20 definitions make 27 entries (files and folders): three trees fit in 100 entries, not four.
  const small = new RepositorySnapshots({ ...DEFAULT_SNAPSHOT_LIMITS, treeEntries: 100 });
  for (const c of ["c1", "c2", "c3", "c4"]) github.commit(sha(c), { ...files(20), "README.md": c });
  const read = (c: string) => small.filesAt(octokit, github.fullName, sha(c)).listDirectory("environments");
  for (const c of ["c1", "c2", "c3", "c1", "c4"]) await read(c);
  expect(small.counts.trees).toBe(4);
  // c2 was the least recently read when c4 came: it is read again; c1, c3 and c4 are held.
  for (const c of ["c1", "c3", "c4"]) await read(c);
  expect(small.counts.trees).toBe(4);
  await read("c2");
  expect(small.counts.trees).toBe(5);
});
