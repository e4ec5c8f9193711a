import { UsageError, type CliIO } from "../cli-io.js";
import { selectContext, type Context } from "../contexts/index.js";
import { parseGitHubRepository } from "../local-repository.js";
import { envbotApi, type EnvbotApi } from "./envbot-api-client.js";

/** A remote envbot a command acts on: the context chosen, and its API. */
export interface RemoteTarget {
  context: Context;
  api: EnvbotApi;
}

/** The remote envbot of --context (or ENVBOT_CONTEXT); undefined when the command stays local. */
export async function remoteTarget(option: string | undefined, io: CliIO): Promise<RemoteTarget | undefined> {
  const context = await selectContext({ option, env: io.env, cwd: io.cwd, tell: (line) => io.stderr(`${line}\n`) });
  return context ? { context, api: envbotApi(context) } : undefined;
}

/**
 * The GitHub repository a remote command is about: --github, else the context's own. --repo
 * names a local checkout, which a remote envbot never reads.
 */
export function remoteRepository(target: RemoteTarget, options: { github?: string; repo?: string }): string {
  if (options.repo !== undefined) throw new UsageError(`--repo is a local checkout; with context ${target.context.name} name the GitHub repository with --github OWNER/NAME`);
  if (options.github !== undefined) return parseGitHubRepository(options.github, "--github");
  if (target.context.repository !== undefined) return target.context.repository;
  throw new UsageError(`which repository? Give --github OWNER/NAME, or add context ${target.context.name} again with --repository OWNER/NAME`);
}
