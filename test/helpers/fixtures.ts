import { readFile } from "node:fs/promises";
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
