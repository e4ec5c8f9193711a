import type { RepoFiles } from "../../../src/core/ports/index.js";
import { DEFINITION_EXTENSIONS, findDefinitionFiles, isDefinitionFile, listDefinitionFiles } from "../../../src/core/repository/index.js";
import { resolveEnvironmentChanges } from "../../../src/core/pull-requests/index.js";

/** A revision holding just these paths; counts directory listings (a request each on GitHub). */
function revision(paths: string[]): RepoFiles & { listings: number } {
  const files = {
    listings: 0,
    async readFile() {
      return undefined;
    },
    async listDirectory(dir: string) {
      files.listings++;
      const names = paths.filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1).split("/")[0]!);
      return names.length > 0 ? [...new Set(names)] : undefined;
    },
  };
  return files;
}

describe("which files are environment definitions", () => {
  test("both .yaml and .yml directly under environments/ are definitions; nothing else is", () => {
    expect(DEFINITION_EXTENSIONS).toEqual([".yaml", ".yml"]);
    expect(isDefinitionFile("environments/hij.yaml")).toBe(true);
    expect(isDefinitionFile("environments/hij.yml")).toBe(true);
    for (const other of ["environments/nested/hij.yaml", "drafts/hij.yaml", "environments/README.md", "environments/.yml", "environments/hij.yaml.bak", "environments/hij.YAML", "hij.yaml"]) {
      expect([other, isDefinitionFile(other)]).toEqual([other, false]);
    }
  });

  test("a name's definition files are found whichever extension they use, and both when there are two", async () => {
    const at = revision(["environments/hij.yml", "environments/hij.yaml", "environments/solo.yml", "environments/notes.md", "environments/sub/x.yaml"]);
    expect(await findDefinitionFiles(at, "hij")).toEqual(["environments/hij.yaml", "environments/hij.yml"]);
    expect(await findDefinitionFiles(at, "solo")).toEqual(["environments/solo.yml"]);
    expect(await findDefinitionFiles(at, "nope")).toEqual([]);
    expect([...(await listDefinitionFiles(at)).keys()]).toEqual(["hij", "solo"]);
    expect(await listDefinitionFiles(revision([]))).toEqual(new Map());
  });
});

describe("what a pull request does to each environment, judged at a revision", () => {
  test("deleting hij.yml while hij.yaml stays is no destroy: the remaining file is applied", async () => {
    const head = revision(["environments/hij.yaml"]);
    expect(await resolveEnvironmentChanges([{ path: "environments/hij.yml", status: "removed" }], head)).toEqual([
      { environment: "hij", file: "environments/hij.yaml", effect: "apply" },
    ]);
  });

  test("renaming hij.yml to hij.yaml is one apply, not an apply and a destroy", async () => {
    const head = revision(["environments/hij.yaml"]);
    expect(await resolveEnvironmentChanges([{ path: "environments/hij.yaml", status: "renamed", previousPath: "environments/hij.yml" }], head)).toEqual([
      { environment: "hij", file: "environments/hij.yaml", effect: "apply" },
    ]);
  });

  test("a rename to another name still destroys the old environment; removing its last file destroys it", async () => {
    const head = revision(["environments/after.yml"]);
    expect(
      await resolveEnvironmentChanges(
        [
          { path: "environments/after.yml", status: "renamed", previousPath: "environments/before.yaml" },
          { path: "environments/gone.yml", status: "removed" },
        ],
        head,
      ),
    ).toEqual([
      { environment: "after", file: "environments/after.yml", effect: "apply" },
      { environment: "before", file: "environments/before.yaml", effect: "destroy" },
      { environment: "gone", file: "environments/gone.yml", effect: "destroy" },
    ]);
  });

  test("both files of one name removed: one destroy; one added beside another: one apply (validation rejects it)", async () => {
    expect(
      await resolveEnvironmentChanges(
        [
          { path: "environments/twin.yaml", status: "removed" },
          { path: "environments/twin.yml", status: "removed" },
        ],
        revision([]),
      ),
    ).toEqual([{ environment: "twin", file: "environments/twin.yaml", effect: "destroy" }]);
    expect(
      await resolveEnvironmentChanges(
        [
          { path: "environments/hij.yml", status: "added" },
          { path: "environments/hij.yaml", status: "modified" },
        ],
        revision(["environments/hij.yaml", "environments/hij.yml"]),
      ),
    ).toEqual([{ environment: "hij", file: "environments/hij.yaml", effect: "apply" }]);
  });

  test("without a removal the revision is not even listed", async () => {
    const head = revision(["environments/a1.yml"]);
    expect(await resolveEnvironmentChanges([{ path: "environments/a1.yml", status: "added" }], head)).toEqual([{ environment: "a1", file: "environments/a1.yml", effect: "apply" }]);
    expect(head.listings).toBe(0);
  });
});
