import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RepoFiles } from "../../core/ports/index.js";

/** A template is a small Terraform module: more than this is refused, not copied. */
export const MAX_TEMPLATE_FILES = 200;
export const MAX_TEMPLATE_BYTES = 8 * 1024 * 1024;
const MAX_DEPTH = 8;
const SAFE_ENTRY = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export class TemplateCopyError extends Error {
  override name = "TemplateCopyError";
}

/** One file of a template folder: its path below the folder ("/"-separated) and its bytes. */
export interface TemplateFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * Reads the template folder from the repository revision, in a stable order. Entry names are
 * checked, so a crafted name can never address anything outside the folder once written.
 */
export async function readTemplate(input: { files: RepoFiles; directory: string }): Promise<TemplateFile[]> {
  const out: TemplateFile[] = [];
  let bytes = 0;

  const read = async (relative: string, depth: number): Promise<void> => {
    const entries = await input.files.listDirectory(path.posix.join(input.directory, relative));
    if (!entries) return;
    for (const entry of [...entries].sort()) {
      if (!SAFE_ENTRY.test(entry) || entry === ".terraform") continue;
      const child = relative === "" ? entry : `${relative}/${entry}`;
      const content = await input.files.readFile(`${input.directory}/${child}`, MAX_TEMPLATE_BYTES - bytes);
      if (content === undefined) {
        if (depth < MAX_DEPTH) await read(child, depth + 1);
        continue;
      }
      bytes += content.size;
      out.push({ path: child, bytes: content.bytes });
      if (out.length > MAX_TEMPLATE_FILES || bytes > MAX_TEMPLATE_BYTES) {
        throw new TemplateCopyError(`template ${input.directory} is larger than ${MAX_TEMPLATE_FILES} files or ${MAX_TEMPLATE_BYTES / 1024 / 1024} MiB`);
      }
    }
  };
  await read("", 0);
  return out;
}

/** Writes the files into `target`, replacing what was there, so Terraform runs exactly them. */
export async function writeTemplate(files: readonly TemplateFile[], target: string): Promise<void> {
  const staging = `${target}.new`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  for (const file of files) {
    const destination = path.join(staging, ...file.path.split("/"));
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(destination, file.bytes);
  }
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
}
