import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RepoFiles } from "../../core/ports.js";

/** A template is a small Terraform module: more than this is refused, not copied. */
export const MAX_TEMPLATE_FILES = 200;
export const MAX_TEMPLATE_BYTES = 8 * 1024 * 1024;
const MAX_DEPTH = 8;
const SAFE_ENTRY = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export class TemplateCopyError extends Error {
  override name = "TemplateCopyError";
}

/**
 * Copies the template folder from the repository revision into `target` (replacing what was
 * there), so Terraform runs exactly the files of that revision. Entry names are checked, so a
 * crafted name can never write outside `target`. Returns the paths of the .tf files copied.
 */
export async function materializeTemplate(input: { files: RepoFiles; directory: string; target: string }): Promise<{ tfFiles: string[] }> {
  const staging = `${input.target}.new`;
  await rm(staging, { recursive: true, force: true });
  let count = 0;
  let bytes = 0;
  const tfFiles: string[] = [];

  const copy = async (relative: string, depth: number): Promise<void> => {
    const entries = await input.files.listDirectory(path.posix.join(input.directory, relative));
    if (!entries) return;
    for (const entry of entries) {
      if (!SAFE_ENTRY.test(entry) || entry === ".terraform") continue;
      const child = relative === "" ? entry : `${relative}/${entry}`;
      const content = await input.files.readFile(`${input.directory}/${child}`, MAX_TEMPLATE_BYTES - bytes);
      if (content === undefined) {
        if (depth < MAX_DEPTH) await copy(child, depth + 1);
        continue;
      }
      count++;
      bytes += content.size;
      if (count > MAX_TEMPLATE_FILES || bytes > MAX_TEMPLATE_BYTES) {
        throw new TemplateCopyError(`template ${input.directory} is larger than ${MAX_TEMPLATE_FILES} files or ${MAX_TEMPLATE_BYTES / 1024 / 1024} MiB`);
      }
      const destination = path.join(staging, ...child.split("/"));
      await mkdir(path.dirname(destination), { recursive: true });
      await writeFile(destination, content.bytes);
      if (entry.endsWith(".tf")) tfFiles.push(destination.slice(staging.length + 1));
    }
  };

  await mkdir(staging, { recursive: true });
  await copy("", 0);
  await rm(input.target, { recursive: true, force: true });
  await rename(staging, input.target);
  return { tfFiles };
}
