import type { Action } from "../core/authorization/authorize.js";
import { readPublicUrl, SettingsError } from "../adapters/server-env/settings.js";

/** A place events can go, as the server's settings define it; repositories route to it by name. */
export type TargetSetting =
  /** With `bot`, `url` is Slack's chat.postMessage and messages thread per environment. */
  | { kind: "slack"; name: string; url: string; bot?: { token: string; channel: string } }
  | { kind: "webhook"; name: string; url: string; secret: string }
  | { kind: "amqp"; name: string; url: string; exchange: string };

/** What the AMQP command queue may ask for: the rights of the `amqp` actor. */
export interface AmqpCommandSettings {
  url: string;
  queue: string;
  /** ENVBOT_AMQP_USERS: the broker users (a command's user_id) whose commands are taken; none unless given. */
  users: string[];
  /** ENVBOT_AMQP_ALLOW: the actions commands may take (plan, apply, destroy, destroy-now, extend); none unless given. */
  actions: Action[];
  /** ENVBOT_AMQP_REPOSITORIES: the repositories commands may act on ("owner/name", comma-separated). */
  repositories: string[];
  /** ENVBOT_AMQP_REPLY_PREFIX: queues starting with it take replies, besides RabbitMQ's direct reply-to. */
  replyPrefix?: string;
}

export interface NotificationSettings {
  targets: TargetSetting[];
  /** ENVBOT_PUBLIC_URL: messages link to the dashboard; without it, to GitHub only. */
  publicUrl?: string;
  amqpCommands?: AmqpCommandSettings;
}

const TARGET_URL = /^ENVBOT_NOTIFY_([A-Z0-9_]+)_URL$/;
/** As .github/envbot.yml names targets (schemas/config.schema.json#/$defs/targetName). */
const TARGET_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
/** destroy opens the pull request that removes the definition; destroy-now destroys at once too. */
const COMMAND_ACTIONS: readonly Action[] = ["plan", "apply", "destroy", "destroy-now", "extend"];

/**
 * Reads the notification targets (ENVBOT_NOTIFY_<NAME>_URL, _KIND, _SECRET, _EXCHANGE, _TOKEN, _CHANNEL) and the
 * AMQP command queue (ENVBOT_AMQP_URL, ENVBOT_AMQP_COMMAND_QUEUE, ENVBOT_AMQP_USERS,
 * ENVBOT_AMQP_ALLOW, ENVBOT_AMQP_REPOSITORIES, ENVBOT_AMQP_REPLY_PREFIX). A target named TEAM_SLACK here is `team-slack` in a repository's
 * routes. Addresses and secrets live only here, never in Git, and are never printed.
 */
export function readNotificationSettings(env: NodeJS.ProcessEnv): NotificationSettings {
  const targets: TargetSetting[] = [];
  for (const [key, value] of Object.entries(env)) {
    const match = TARGET_URL.exec(key);
    if (!match || !value) continue;
    targets.push(targetSetting(match[1]!, value, env));
  }
  targets.sort((a, b) => a.name.localeCompare(b.name));
  const amqpCommands = readAmqpCommands(env);
  const publicUrl = readPublicUrl(env);
  return { targets, ...(publicUrl && { publicUrl }), ...(amqpCommands && { amqpCommands }) };
}

function targetSetting(envName: string, url: string, env: NodeJS.ProcessEnv): TargetSetting {
  const prefix = `ENVBOT_NOTIFY_${envName}`;
  const name = envName.toLowerCase().replace(/_/g, "-");
  if (!TARGET_NAME.test(name)) throw new SettingsError(`${prefix}_URL: ${name} is not a target name a repository can route to (2 to 32 letters, digits and _, starting with a letter)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SettingsError(`${prefix}_URL is not a URL`);
  }
  const kind = env[`${prefix}_KIND`] || inferredKind(parsed);
  switch (kind) {
    case "slack":
    case "webhook": {
      if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new SettingsError(`${prefix}_URL: a ${kind} target needs an http(s) URL`);
      if (kind === "slack") return slackSetting(prefix, name, url, env);
      const secret = env[`${prefix}_SECRET`] ?? "";
      // The receiver verifies every delivery with it: without one, anyone could post as envbot.
      if (secret.length < 16) throw new SettingsError(`${prefix}_SECRET: a webhook target needs a signing secret of at least 16 characters`);
      return { kind, name, url, secret };
    }
    case "amqp":
      if (parsed.protocol !== "amqp:" && parsed.protocol !== "amqps:") throw new SettingsError(`${prefix}_URL: an amqp target needs an amqp:// or amqps:// URL`);
      return { kind, name, url, exchange: env[`${prefix}_EXCHANGE`] || "envbot.events" };
    default:
      throw new SettingsError(`${prefix}_KIND: '${kind}' is not slack, webhook or amqp`);
  }
}

/**
 * An incoming webhook (hooks.slack.com), or with a bot token (_TOKEN, scope chat:write) and a
 * channel (_CHANNEL) Slack's chat.postMessage, which threads each environment's messages.
 */
function slackSetting(prefix: string, name: string, url: string, env: NodeJS.ProcessEnv): TargetSetting {
  const token = env[`${prefix}_TOKEN`] ?? "";
  const channel = env[`${prefix}_CHANNEL`] ?? "";
  if (token === "" && channel === "") return { kind: "slack", name, url };
  if (token === "") throw new SettingsError(`${prefix}_CHANNEL is set without ${prefix}_TOKEN: posting to a channel needs a Slack bot token (scope chat:write)`);
  // Bot tokens are xoxb-…; with token rotation on, xoxe.xoxb-….
  if (!/^(xoxe\.)?xox[a-z]-\S+$/.test(token)) throw new SettingsError(`${prefix}_TOKEN is not a Slack token (xoxb-...)`);
  if (!/^[A-Za-z0-9#_.-]{1,80}$/.test(channel)) throw new SettingsError(`${prefix}_CHANNEL: set the channel's id (C0123456789) to post to`);
  return { kind: "slack", name, url, bot: { token, channel } };
}

function inferredKind(url: URL): string {
  if (url.protocol === "amqp:" || url.protocol === "amqps:") return "amqp";
  if (url.hostname === "hooks.slack.com" || url.hostname === "slack.com") return "slack";
  return "webhook";
}

function readAmqpCommands(env: NodeJS.ProcessEnv): AmqpCommandSettings | undefined {
  const url = env.ENVBOT_AMQP_URL;
  if (!url) return undefined;
  if (!/^amqps?:\/\/\S+$/.test(url)) throw new SettingsError("ENVBOT_AMQP_URL: not an amqp:// or amqps:// URL");
  const list = (name: string) => (env[name] ?? "").split(",").map((item) => item.trim()).filter((item) => item !== "");
  const actions = list("ENVBOT_AMQP_ALLOW");
  const unknown = actions.filter((action) => !COMMAND_ACTIONS.includes(action as Action));
  if (unknown.length > 0) throw new SettingsError(`ENVBOT_AMQP_ALLOW: ${unknown.join(", ")} is not one of ${COMMAND_ACTIONS.join(", ")}`);
  const repositories = list("ENVBOT_AMQP_REPOSITORIES");
  const malformed = repositories.filter((repository) => !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository));
  if (malformed.length > 0) throw new SettingsError(`ENVBOT_AMQP_REPOSITORIES: ${malformed.join(", ")} is not owner/name`);
  const users = list("ENVBOT_AMQP_USERS");
  const replyPrefix = env.ENVBOT_AMQP_REPLY_PREFIX?.trim() || undefined;
  // amq.* names are the broker's own: a client cannot declare such a queue to receive replies in.
  if (replyPrefix !== undefined && (!/^[A-Za-z0-9_.:-]{1,200}$/.test(replyPrefix) || replyPrefix.startsWith("amq."))) {
    throw new SettingsError("ENVBOT_AMQP_REPLY_PREFIX: the start of the reply queues' names, like `ci.envbot-replies.` (letters, digits, . _ : -; not amq.)");
  }
  return { url, queue: env.ENVBOT_AMQP_COMMAND_QUEUE || "envbot.commands", users, actions: actions as Action[], repositories, ...(replyPrefix && { replyPrefix }) };
}
