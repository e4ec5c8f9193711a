import type { RepoFiles } from "../../src/core/ports/index.js";

/** An in-memory repository: path -> text. */
export function memoryRepo(files: Record<string, string>): RepoFiles {
  const encoder = new TextEncoder();
  return {
    async readFile(file) {
      const text = files[file];
      if (text === undefined) return undefined;
      const bytes = encoder.encode(text);
      return { size: bytes.length, bytes };
    },
    async listDirectory(dir) {
      const prefix = `${dir}/`;
      const names = Object.keys(files)
        .filter((f) => f.startsWith(prefix))
        .map((f) => f.slice(prefix.length).split("/")[0]!);
      return names.length > 0 ? [...new Set(names)] : undefined;
    },
  };
}
