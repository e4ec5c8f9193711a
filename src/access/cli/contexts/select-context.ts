import { UsageError } from "../cli-io.js";
import type { Context } from "./context-fields.js";
import { contextsFilePath } from "./contexts-file-path.js";
import { readContexts } from "./read-contexts.js";

/**
 * The context a command acts through: the one --context names, else ENVBOT_CONTEXT; undefined
 * when neither is given, and the command stays local whatever context is current (so that adding
 * a context never changes what a local command does). A name that is not kept is a usage error.
 */
export async function selectContext(input: { option?: string; env: NodeJS.ProcessEnv; cwd: string; tell: (line: string) => void }): Promise<Context | undefined> {
  const name = input.option ?? (input.env.ENVBOT_CONTEXT || undefined);
  if (name === undefined) return undefined;
  const from = input.option !== undefined ? "--context" : "ENVBOT_CONTEXT";
  const file = contextsFilePath(input.env, input.cwd);
  const { contexts } = await readContexts(file, input.tell);
  const context = contexts.find((c) => c.name === name);
  if (context) return context;
  const known = contexts.length > 0 ? `the contexts are ${contexts.map((c) => c.name).join(", ")}` : "there are none yet; add one with 'envbot context add NAME URL'";
  throw new UsageError(`${from} names no context '${name}': ${known}`);
}
