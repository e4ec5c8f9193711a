import path from "node:path";
import { resolveInRepository } from "../../adapters/local/resolve-in-repository.js";
import { describeUnreadable } from "../../core/repository/index.js";
import type { RepoFiles } from "../../core/ports/index.js";
import type { DefinitionDocument } from "../../core/validation/index.js";
import { MAX_YAML_FILE_BYTES } from "../../core/yaml/index.js";
import { UsageError } from "./cli-io.js";

/**
 * A FILE argument -> its definition document, read only through the repository's confined
 * reader, as the App reads. The path must lead into the repository once symbolic links are
 * followed; otherwise it is a usage error that names the path and reads nothing of it (a link
 * in a cloned repository may point at /proc/self/environ or a private file).
 */
export async function readDefinitionArgument(input: { argument: string; repoDir: string; cwd: string; repo: RepoFiles }): Promise<DefinitionDocument> {
  const { argument, repoDir } = input;
  const absolute = path.resolve(input.cwd, argument);
  const located = await resolveInRepository(repoDir, absolute);
  switch (located.kind) {
    case "missing":
      throw new UsageError(`cannot read ${argument}: no such file`);
    case "outside":
      throw new UsageError(
        isBelow(repoDir, absolute)
          ? describeUnreadable(argument, "outside")
          : `${argument} is outside the repository ${repoDir}; envbot reads only files inside it (choose the repository with --repo)`,
      );
    case "not-a-file":
      throw new UsageError(`cannot read ${argument}: ${describeUnreadable("it", "not-a-file")}`);
  }
  const content = await input.repo.readFile(located.relative, MAX_YAML_FILE_BYTES);
  if (!content) throw new UsageError(`cannot read ${argument}: ${describeUnreadable("it", "unopenable")}`);
  return { file: located.relative, content };
}

/** Whether `target` is written as a path under `dir` (before any link is followed). */
function isBelow(dir: string, target: string): boolean {
  const relative = path.relative(dir, target);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}
