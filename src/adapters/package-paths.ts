import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/**
 * envbot's package root: the nearest directory above this module whose package.json names
 * envbot. Found, not fixed as "../..": the command line's bundle moves modules to the top of
 * dist/, so a path relative to a module's own place would point elsewhere there.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "envbot") return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`envbot's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** A file shipped with envbot (app.yml, environments-template/, package.json), by its path in the package. */
export function packageFile(relative: string): string {
  return path.join(packageRoot(), relative);
}

/**
 * A module of envbot's code by its path under src/ without extension: the .ts source when this
 * runs from source (the tests), else the compiled .js in dist/ (which the bundle is made from).
 */
export function codeFile(relativeModule: string): string {
  const fromSource = path.extname(fileURLToPath(import.meta.url)) === ".ts";
  return path.join(packageRoot(), fromSource ? "src" : "dist", `${relativeModule}${fromSource ? ".ts" : ".js"}`);
}
