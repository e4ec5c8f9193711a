import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DefinitionDocument } from "../../src/core/validation/index.js";

/** The repository root, for tests that use the project's own files (the starter repository). */
export const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

export function fixturePath(...segments: string[]): string {
  return fileURLToPath(new URL(`../fixtures/${segments.join("/")}`, import.meta.url));
}

/** A definition document as the CLI would hand it to the core. */
export async function documentFrom(path: string, file: string): Promise<DefinitionDocument> {
  const bytes = await readFile(path);
  return { file, content: { size: bytes.length, bytes } };
}

export function textDocument(file: string, text: string): DefinitionDocument {
  const bytes = new TextEncoder().encode(text);
  return { file, content: { size: bytes.length, bytes } };
}

/** "now" for every validation test: expiresAt limits are measured from here. */
export const NOW = new Date("2026-11-23T12:00:00Z");

/** A stable 40-hex commit id for a name. */
export function sha(name: string): string {
  return createHash("sha1").update(name).digest("hex");
}

/** The starter environments repository (plus fixture templates) as a file tree. */
export async function starterRepository(extraTemplates: string[] = []): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const add = async (dir: string, prefix: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await add(full, relative);
      else files[relative] = await readFile(full, "utf8");
    }
  };
  await add(path.join(projectRoot, "environments-template"), "");
  for (const template of extraTemplates) await add(fixturePath("templates", template), `templates/${template}`);
  return files;
}
