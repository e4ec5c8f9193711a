import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { YamlValueCache } from "../../core/yaml/yaml-value-cache.js";
import { pruneOldestCacheFiles, writeCacheFile } from "../cache-files.js";

/** Files kept; past it, the least recently written go (a repository has a few dozen YAML files). */
export const MAX_YAML_CACHE_FILES = 2000;

/** Bumped when what a file holds changes shape. */
const CACHE_FORMAT = 1;

/**
 * YAML values kept in `dir`, one JSON file per text, named by a hash of it. Synchronous: the
 * parser asking is (core/yaml/parse-yaml-file.ts), and a command reads a handful of small files.
 * A file that cannot be read, or holds anything but a value of this format, is a miss; one that
 * cannot be written costs only the next run's parse.
 */
export function diskYamlValueCache(dir: string): YamlValueCache {
  // Pruned once a process, at its first new file: a run that keeps 1,000 files must not list the
  // directory 1,000 times. Between prunes the directory grows by one run's files at most.
  let pruned = false;
  const fileOf = (text: string) => path.join(dir, `${createHash("sha256").update(`${CACHE_FORMAT}\0`).update(text).digest("hex")}.json`);
  return {
    get(text) {
      try {
        const kept = JSON.parse(readFileSync(fileOf(text), "utf8")) as { text?: unknown; value?: unknown };
        // The text is kept too: a value is only ever given for the very text it was parsed from.
        if (kept.text !== text || typeof kept.value !== "object" || kept.value === null || Array.isArray(kept.value)) return undefined;
        return kept.value as Record<string, unknown>;
      } catch {
        return undefined;
      }
    },
    set(text, value) {
      try {
        writeCacheFile(fileOf(text), JSON.stringify({ text, value }));
        if (!pruned) pruneOldestCacheFiles(dir, ".json", MAX_YAML_CACHE_FILES);
        pruned = true;
      } catch {
        // A read-only or full cache directory: the next run parses again.
      }
    },
  };
}
