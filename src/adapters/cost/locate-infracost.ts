import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/** Where the infracost binary is, as ENVBOT_INFRACOST and the server's PATH say. */
export type InfracostLocation =
  /** ENVBOT_INFRACOST=off: plans are priced by the template or envbot's price table. */
  | { kind: "off" }
  /** Unset, and no infracost on the PATH: the same, silently. */
  | { kind: "absent" }
  | { kind: "found"; binary: string }
  /** ENVBOT_INFRACOST names no executable file: the server refuses to start, with this reason. */
  | { kind: "refused"; reason: string };

const BINARY = "infracost";

/**
 * ENVBOT_INFRACOST: `off`, a path (relative to `cwd`), or a name looked up on the PATH; unset,
 * `infracost` on the PATH when there is one. A binary the operator named but that cannot run is
 * refused at start, rather than found out in every plan comment.
 */
export function locateInfracost(env: NodeJS.ProcessEnv, cwd: string): InfracostLocation {
  const setting = env.ENVBOT_INFRACOST?.trim() || undefined;
  if (setting === "off") return { kind: "off" };
  if (setting === undefined) {
    const binary = searchPath(BINARY, env.PATH);
    return binary ? { kind: "found", binary } : { kind: "absent" };
  }
  if (!setting.includes("/")) {
    const binary = searchPath(setting, env.PATH);
    return binary ? { kind: "found", binary } : { kind: "refused", reason: `ENVBOT_INFRACOST: '${setting}' is not on the PATH (give the path of the infracost binary, or off)` };
  }
  const binary = path.resolve(cwd, setting);
  return isExecutableFile(binary) ? { kind: "found", binary } : { kind: "refused", reason: `ENVBOT_INFRACOST: '${setting}' is not an executable file (give the path of the infracost binary, or off)` };
}

/** The first executable `name` in the PATH's directories (absolute ones only: a relative entry would depend on the working directory). */
function searchPath(name: string, pathVariable: string | undefined): string | undefined {
  for (const dir of (pathVariable ?? "").split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
