import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { pruneOldestCacheFiles, writeCacheFile } from "../cache-files.js";

/** Cache files kept in the directory; the least recently written go first past it. */
export const MAX_CODE_CACHE_FILES = 64;

export interface LoadedWithCodeCache<T> {
  exports: T;
  /** "used": V8 took the cached code; "rejected": it refused it (another V8, other flags); "none". */
  cache: "used" | "rejected" | "none";
  /**
   * Keeps V8's compiled code of everything that ran so far, when the cache had none V8 took: call
   * it once the work is done, so the functions the run compiled lazily are in it too. Never throws.
   */
  keepCompiledCode(): void;
}

/**
 * Loads a CommonJS file (the bundled command line) the way Node's require would, but through V8's
 * code cache: Node 20 compiles every module anew on every start (22.1+ has a compile cache for the
 * modules it loads itself; this file is not one of them), and compiling is most of what a short
 * command spends beyond Node's own start-up.
 *
 * The cache file is named by a hash of the source (V8's own check compares only its length), of
 * Node's version and of `variant` (each command compiles other functions lazily: one file each).
 * A cache directory that cannot be read or written only costs the compile.
 */
export function loadWithCodeCache<T>(file: string, options: { cacheDir: string | undefined; variant: string }): LoadedWithCodeCache<T> {
  const bytes = readFileSync(file);
  // The build keeps the bundle ASCII, which decodes as Latin-1 in half the time UTF-8 takes.
  const source = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
  const cacheFile = options.cacheDir && path.join(options.cacheDir, `${cacheKey(bytes)}-${safeVariant(options.variant)}.bin`);
  const cachedData = cacheFile ? readIfPresent(cacheFile) : undefined;
  // The wrapper of Node's CommonJS loader: the bundle sees require, module and __filename as usual.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (exports: T, require: NodeRequire, module: { exports: T }, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  const cache = cachedData === undefined ? "none" : script.cachedDataRejected ? "rejected" : "used";
  return {
    get exports() {
      return module.exports;
    },
    cache,
    keepCompiledCode() {
      if (!cacheFile || cache === "used") return;
      try {
        writeCacheFile(cacheFile, script.createCachedData());
        pruneOldestCacheFiles(path.dirname(cacheFile), ".bin", MAX_CODE_CACHE_FILES);
      } catch {
        // A read-only or full cache directory: the next start compiles again.
      }
    },
  };
}

function cacheKey(source: Buffer): string {
  return createHash("sha256").update(`${process.version}\0${process.arch}\0`).update(source).digest("hex").slice(0, 32);
}

/** Only a plain word names a file (the command's name from the command line). */
function safeVariant(variant: string): string {
  return /^[a-z][a-z0-9-]{0,39}$/.test(variant) ? variant : "other";
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
