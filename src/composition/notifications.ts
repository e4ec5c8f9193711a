import type { NotificationRoute } from "../generated/schemas.js";
import type { DomainEvent } from "../core/events/domain-event.js";
import { targetsFor } from "../core/notifications/route-event.js";
import type { NotificationThreads, Store } from "../core/ports/index.js";
import type { EventRouting } from "../adapters/outbox/outbox-relay.js";
import type { DeliveryContext, NotificationTarget } from "../adapters/notify/notification-target.js";
import { slackApiTarget } from "../adapters/notify/slack/slack-api-target.js";
import { slackTarget } from "../adapters/notify/slack/slack-target.js";
import { webhookTarget } from "../adapters/notify/webhook/webhook-target.js";
import { amqpEventTarget, amqpReplyTarget } from "../adapters/notify/amqp/amqp-event-target.js";
import type { NotificationSettings, TargetSetting } from "./notification-settings.js";

/** The targets the server's settings define, and how events find theirs. */
export interface Notifications {
  targets: NotificationTarget[];
  routing: EventRouting;
  /** Answers to commands from the AMQP queue, when it is on. */
  replies?: NotificationTarget;
}

/** The reserved name of the replies target: never a name a setting can give (targets have no dots). */
export const REPLIES_TARGET = "amqp.replies";

export function notificationsFromSettings(options: {
  settings: NotificationSettings;
  store: Pick<Store, "getEnvironment"> & NotificationThreads;
  routesOf: (repository: string) => Promise<NotificationRoute[]>;
}): Notifications {
  const { store, routesOf } = options;
  const routing: EventRouting = {
    async targetsOf(event) {
      const routes = await routesOf(event.repository);
      if (routes.length === 0) return [];
      const record = await store.getEnvironment(event.repository, event.environment);
      return targetsFor(event, routes, record ?? {});
    },
    async contextOf(event) {
      const record = await store.getEnvironment(event.repository, event.environment);
      return {
        ...(record && { owner: record.owner, template: record.template, ...(record.labels && { labels: record.labels }) }),
        links: eventLinks(event, options.settings.publicUrl),
      };
    },
  };
  const commands = options.settings.amqpCommands;
  const replies = commands ? { ...amqpReplyTarget({ url: commands.url, rule: { prefix: commands.replyPrefix, commandQueue: commands.queue } }), name: REPLIES_TARGET } : undefined;
  return { targets: options.settings.targets.map((setting) => targetOf(setting, store)), routing, ...(replies && { replies }) };
}

function targetOf(setting: TargetSetting, threads: NotificationThreads): NotificationTarget {
  switch (setting.kind) {
    case "slack":
      return setting.bot ? slackApiTarget({ name: setting.name, url: setting.url, ...setting.bot, threads }) : slackTarget(setting);
    case "webhook":
      return webhookTarget(setting);
    case "amqp":
      return amqpEventTarget(setting);
  }
}

/**
 * Where a message points. Events carry no GitHub numbers (the core keeps none), so the pull
 * request is GitHub's search for the run's commit and the issue its search for the environment's
 * open envbot issue: both land on the one item in practice.
 */
export function eventLinks(event: DomainEvent, publicUrl?: string): DeliveryContext["links"] {
  const github = `https://github.com/${event.repository}`;
  const base = publicUrl?.replace(/\/+$/, "");
  const links: DeliveryContext["links"] = { repository: github };
  // The name is encoded: an orphan's environment comes from a cloud tag, which anyone tagging may write.
  if (base) links.dashboard = `${base}/environments/${event.repository}/${encodeURIComponent(event.environment)}`;
  if (base && "runId" in event) links.run = `${base}/runs/${event.runId}`;
  if (event.type === "expiry-warned" || event.type === "drift-found") {
    links.issue = `${github}/issues?q=${encodeURIComponent(`is:issue is:open in:title "${event.environment}"`)}`;
  }
  if (event.type === "orphans-found") {
    links.issue = `${github}/issues?q=${encodeURIComponent(`is:issue is:open label:"envbot:orphans" in:title "${event.environment}"`)}`;
  }
  return links;
}
