import { createAppHarness, sha, starterRepository, type AppHarness } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { pullRequestEvent } from "../helpers/github/webhook-payloads.js";

// .yaml and .yml are both definitions, and one environment has one file: through the real App,
// GitHub a FakeGitHub checked against its OpenAPI description, the real terraform binary.

const mock = setupGitHubMock();
let app: AppHarness;
let starter: Record<string, string>;

const PROTECTED = definitionYaml("hij", "sandbox", "  protected: true\n");
const SHORT = definitionYaml("hij", "sandbox", "  ttl: 1h\n");
const TWICE = "environment 'hij' is defined twice: environments/hij.yaml and environments/hij.yml; keep one";

beforeEach(async () => {
  mock.before();
  app = await createAppHarness();
  app.github.install();
  app.github.permissions.set("octocat", "write");
  starter = await starterRepository();
});
afterEach(async () => {
  app.github.uninstall();
  await app.cleanup();
  mock.after();
});

/** `tree` is on main now, as commit `name`. */
function pushToMain(name: string, tree: Record<string, string>): void {
  app.github.commit(sha(name), tree);
  app.github.commit("main", tree);
}

/** Pull request `number` from `base` to `head` with these changed files; opened, then (optionally) merged. */
async function pullRequest(
  number: number,
  trees: { base: string; head: Record<string, string> },
  files: { filename: string; status: string; previous_filename?: string }[],
  options: { merge?: boolean } = {},
): Promise<void> {
  const head = sha(`head-${number}`);
  app.github.commit(head, trees.head);
  app.github.pullRequests.set(number, { number, headSha: head, baseSha: sha(trees.base), author: "octocat", files });
  await app.receive(pullRequestEvent({ action: "opened", number, headSha: head, baseSha: sha(trees.base) }));
  if (!options.merge) return;
  pushToMain(`merged-${number}`, trees.head);
  await app.receive(pullRequestEvent({ action: "closed", merged: true, mergeCommitSha: sha(`merged-${number}`), number, headSha: head, baseSha: sha(trees.base) }));
}

const statusOf = async (name: string) => (await app.services.engine.store.getEnvironment(app.github.fullName, name))?.status;

test("a pull request adding hij.yml beside a protected hij.yaml fails validation at both files; nothing is planned or applied", async () => {
  const main = { ...starter, "environments/hij.yaml": PROTECTED };
  pushToMain("main", main);
  await pullRequest(21, { base: "main", head: { ...main, "environments/hij.yml": SHORT } }, [{ filename: "environments/hij.yml", status: "added" }], { merge: true });

  const [validate] = app.github.checks("envbot validate");
  expect(validate).toMatchObject({ conclusion: "failure" });
  expect(validate!.annotations).toEqual([
    expect.objectContaining({ path: "environments/hij.yaml", start_line: 4, start_column: 9, annotation_level: "failure", message: expect.stringContaining(TWICE) }),
    expect.objectContaining({ path: "environments/hij.yml", start_line: 4, start_column: 9, annotation_level: "failure", message: expect.stringContaining(TWICE) }),
  ]);
  expect(app.github.checks(/^envbot plan/)).toEqual([]);
  // Merged all the same (nothing required the check): the merge commit is refused as well.
  expect(app.github.checks("envbot apply: hij")).toMatchObject([{ conclusion: "failure" }]);
  expect(await statusOf("hij")).toBeUndefined();
  expect(await app.services.engine.store.listLocks()).toEqual([]);
});

test("deleting hij.yml while hij.yaml stays on main destroys nothing: hij is planned and applied from hij.yaml", async () => {
  const main0 = { ...starter, "environments/hij.yaml": SHORT };
  pushToMain("main0", main0);
  await pullRequest(31, { base: "main0", head: main0 }, [{ filename: "environments/hij.yaml", status: "added" }], { merge: true });
  expect(await statusOf("hij")).toBe("active");
  // Someone pushes a second definition of hij straight to main; a pull request then removes it.
  pushToMain("main1", { ...main0, "environments/hij.yml": SHORT });
  await pullRequest(32, { base: "main1", head: main0 }, [{ filename: "environments/hij.yml", status: "removed" }], { merge: true });

  const plans = app.github.checks("envbot plan: hij").slice(1);
  expect(plans).toMatchObject([{ conclusion: "success", output: { summary: expect.stringContaining("environments/hij.yaml") } }]);
  expect(plans[0]!.output!.title).not.toMatch(/[1-9]\d* to destroy/);
  expect(app.github.botComments(32)[0]!.body).not.toMatch(/[1-9]\d* to destroy/);
  expect(app.github.checks("envbot apply: hij").slice(1)).toMatchObject([{ conclusion: "success", output: { title: "Applied: no changes" } }]);
  expect(await statusOf("hij")).toBe("active");
});

test("renaming hij.yml to hij.yaml is one apply of hij, not an apply and a destroy", async () => {
  const main0 = { ...starter, "environments/hij.yml": SHORT };
  pushToMain("main0", main0);
  await pullRequest(41, { base: "main0", head: main0 }, [{ filename: "environments/hij.yml", status: "added" }], { merge: true });
  expect(await statusOf("hij")).toBe("active");

  const renamed = { ...starter, "environments/hij.yaml": SHORT };
  await pullRequest(42, { base: "merged-41", head: renamed }, [{ filename: "environments/hij.yaml", status: "renamed", previous_filename: "environments/hij.yml" }], { merge: true });
  expect(app.github.checks("envbot plan: hij").slice(1)).toMatchObject([{ conclusion: "success", output: { summary: expect.stringContaining("environments/hij.yaml") } }]);
  expect(app.github.checks("envbot apply: hij").slice(1)).toMatchObject([{ conclusion: "success", output: { title: "Applied: no changes" } }]);
  expect(await statusOf("hij")).toBe("active");
});
