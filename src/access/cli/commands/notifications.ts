import { parseArgs } from "node:util";
import { TARGET_PATTERN } from "../../../core/notifications/target-name.js";
import type { Store } from "../../../core/ports/index.js";
import { formatNotifications, formatRetried, parkedView, targetView, type NotificationsView } from "../../../render/notification-text.js";
import { EXIT, UsageError, HELP_OPTION, printUsage, type CliIO } from "../cli-io.js";
import { localEngine } from "../local-engine.js";
import { remoteTarget } from "../remote/remote-target.js";
import { remoteNotificationsSource } from "./remote-notifications.js";
import type { NotificationsSource } from "./notifications-source.js";

/** Parked deliveries listed: the newest, as many as the API shows. */
export const PARKED_SHOWN = 50;

export const notificationsUsage = `Usage: envbot notifications [--target NAME] [--json] [--context CONTEXT]
       envbot notifications retry [--target NAME] [--context CONTEXT]

Shows how envbot's events reached the notification targets (Slack, signed webhooks, AMQP): one
line per target with its deliveries delivered, waiting (to be tried again) and parked (given up
after repeated failures) and its last error; then the parked deliveries, newest first (at most
${PARKED_SHOWN}): target, event, repository and environment, the event's time, attempts, error.
retry makes the parked deliveries (of --target NAME) wait again: whatever relays the events on
that data directory or server (the App, a worker) tries them at once, after those delivered
meanwhile.
Options:
  --target NAME        only this target (as .github/envbot.yml routes to it, like team-slack)
  --json               print {targets, parked} as the API's GET /api/v1/notifications has them
  --context CONTEXT    ask that context's envbot server (see 'envbot context'); also
                       ENVBOT_CONTEXT. It lists the parked deliveries of repositories the token
                       may read and retries those of repositories its owner may write to
  -h, --help           show this help
Without a context it reads this machine's data directory (ENVBOT_DATA_DIR; with
ENVBOT_DATABASE_URL, the fleet's PostgreSQL), and retry puts back every parked delivery there
(of --target NAME).
Exit status: 0 listed or retried, 1 the server failed, 2 usage error.`;

/** The deliveries of this machine's data directory: the CLI user owns it, so retry puts back every one. */
export function localNotificationsSource(store: Pick<Store, "deliveryStatus" | "listParkedDeliveries" | "retryParkedDeliveries" | "close">, now: () => Date): NotificationsSource {
  return {
    async read({ target }) {
      const targets = (await store.deliveryStatus()).filter((t) => target === undefined || t.target === target);
      const parked = await store.listParkedDeliveries({ limit: PARKED_SHOWN, ...(target !== undefined && { target }) });
      return { targets: targets.map(targetView), parked: parked.map(parkedView) };
    },
    async retry({ target }) {
      return { retried: await store.retryParkedDeliveries(target !== undefined ? { target } : {}, now()) };
    },
    close: () => store.close(),
  };
}

export async function notificationsCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      target: { type: "string" },
      json: { type: "boolean" },
      context: { type: "string" },
      ...HELP_OPTION,
    },
  });
  if (values.help) return printUsage(io, notificationsUsage);
  const [subcommand, ...extra] = positionals;
  if (subcommand !== undefined && subcommand !== "retry") throw new UsageError(`unknown subcommand '${subcommand}': retry, or none to list the deliveries`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  const target = values.target;
  if (target !== undefined && !TARGET_PATTERN.test(target)) {
    throw new UsageError(`--target '${target}' is not a target name: lowercase letters, digits, '.' and '-', starting with a letter (like team-slack)`);
  }
  if (subcommand === "retry" && values.json) throw new UsageError("--json is for the list; retry prints one line");

  const source = await openNotificationsSource(values.context, io);
  try {
    if (subcommand === "retry") {
      const { retried, repositories } = await source.retry({ target });
      io.stdout(`${formatRetried(retried, repositories)}\n`);
      return EXIT.ok;
    }
    const view = await source.read({ target });
    if (values.json) {
      io.stdout(`${JSON.stringify(view, null, 2)}\n`);
      return EXIT.ok;
    }
    const context = source.where ? ` --context ${source.where.context}` : "";
    const retryCommand = `envbot notifications retry${context} ${target !== undefined ? `--target ${target}` : "[--target NAME]"}`;
    io.stdout(`${formatNotifications(view, { retryCommand, target })}\n`);
    return EXIT.ok;
  } finally {
    await source.close();
  }
}

/** The remote envbot of --context (or ENVBOT_CONTEXT), else this machine's data directory. */
async function openNotificationsSource(context: string | undefined, io: CliIO): Promise<NotificationsSource> {
  const remote = await remoteTarget(context, io);
  if (remote) return remoteNotificationsSource(remote);
  const { deps } = await localEngine(io);
  return localNotificationsSource(deps.store, io.now);
}
