#!/usr/bin/env node
// Builds dist/ unless it is already newer than every file it is built from. npm runs `prepare`
// on every install of the checkout (`npm ci`, `npm install --global .`, and `npx envbot` from a
// fresh npm cache installs the checkout into that cache), and `npm test` builds too: a second
// full tsc (about 15 s here) would rebuild the same files, and rewrite dist/ under any envbot
// process that is running from it. `npm run build` always builds.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BUILD_STAMP = path.join(root, "dist", ".built");
const INPUTS = ["src", "scripts/build.js", "tsconfig.json", "tsconfig.build.json", "package.json", "package-lock.json"];

/** The newest modification time under a path (directories count: a deleted source changes its folder). */
function newestMtime(file) {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(file).reduce((newest, name) => Math.max(newest, newestMtime(path.join(file, name))), stat.mtimeMs);
}

const built = newestMtime(BUILD_STAMP);
const sources = Math.max(...INPUTS.map((input) => newestMtime(path.join(root, input))));
if (built > sources) {
  console.log("envbot: dist/ is newer than its sources; not rebuilt (npm run build forces a build)");
} else {
  const result = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  process.exit(result.status ?? 1);
}
