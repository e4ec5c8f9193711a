import type { NotificationRoute } from "../../../src/generated/schemas.js";
import { readNotificationSettings } from "../../../src/composition/notification-settings.js";
import { targetsFor } from "../../../src/core/notifications/route-event.js";
import { domainEvent } from "../../../src/core/events/domain-event.js";

describe("notification targets from the server's settings", () => {
  test("each ENVBOT_NOTIFY_<NAME>_URL is a target named in lowercase with dashes; its kind from _KIND or the URL", () => {
    const settings = readNotificationSettings({
      ENVBOT_NOTIFY_TEAM_SLACK_URL: "https://hooks.slack.com/services/T0/B0/x",
      ENVBOT_NOTIFY_AUDIT_URL: "https://audit.acme.test/envbot",
      ENVBOT_NOTIFY_AUDIT_SECRET: "0123456789abcdef",
      ENVBOT_NOTIFY_BUS_URL: "amqps://envbot:pw@mq.acme.test",
      ENVBOT_NOTIFY_BUS_EXCHANGE: "platform.events",
      ENVBOT_NOTIFY_CHAT_URL: "https://chat.acme.test/hook",
      ENVBOT_NOTIFY_CHAT_KIND: "slack",
      ENVBOT_PUBLIC_URL: "https://envbot.acme.test/",
    });
    expect(settings.targets).toEqual([
      { kind: "webhook", name: "audit", url: "https://audit.acme.test/envbot", secret: "0123456789abcdef" },
      { kind: "amqp", name: "bus", url: "amqps://envbot:pw@mq.acme.test", exchange: "platform.events" },
      { kind: "slack", name: "chat", url: "https://chat.acme.test/hook" },
      { kind: "slack", name: "team-slack", url: "https://hooks.slack.com/services/T0/B0/x" },
    ]);
    expect(settings.publicUrl).toBe("https://envbot.acme.test");
    expect(settings.amqpCommands).toBeUndefined();
  });

  test("a Slack target with a bot token and a channel posts through chat.postMessage (slack.com is a Slack URL)", () => {
    const settings = readNotificationSettings({
      ENVBOT_NOTIFY_TEAM_SLACK_URL: "https://slack.com/api/chat.postMessage",
      ENVBOT_NOTIFY_TEAM_SLACK_TOKEN: "xoxb-1111-2222-abcd",
      ENVBOT_NOTIFY_TEAM_SLACK_CHANNEL: "C0123456789",
    });
    expect(settings.targets).toEqual([{ kind: "slack", name: "team-slack", url: "https://slack.com/api/chat.postMessage", bot: { token: "xoxb-1111-2222-abcd", channel: "C0123456789" } }]);
    // A rotating bot token.
    const rotating = readNotificationSettings({ ENVBOT_NOTIFY_OPS_URL: "https://slack.com/api/chat.postMessage", ENVBOT_NOTIFY_OPS_TOKEN: "xoxe.xoxb-1-abcd", ENVBOT_NOTIFY_OPS_CHANNEL: "C0123456789" });
    expect(rotating.targets[0]).toMatchObject({ kind: "slack", bot: { token: "xoxe.xoxb-1-abcd" } });
  });

  test("mistakes are refused at start, naming the setting and never printing its value", () => {
    const refusal = (env: NodeJS.ProcessEnv) => {
      try {
        readNotificationSettings(env);
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(refusal({ ENVBOT_NOTIFY_AUDIT_URL: "https://audit.acme.test" })).toBe("ENVBOT_NOTIFY_AUDIT_SECRET: a webhook target needs a signing secret of at least 16 characters");
    expect(refusal({ ENVBOT_NOTIFY_AUDIT_URL: "not a url with s3cret" })).toBe("ENVBOT_NOTIFY_AUDIT_URL is not a URL");
    expect(refusal({ ENVBOT_NOTIFY_XY_URL: "https://x.test", ENVBOT_NOTIFY_XY_KIND: "teams" })).toBe("ENVBOT_NOTIFY_XY_KIND: 'teams' is not slack, webhook or amqp");
    expect(refusal({ ENVBOT_NOTIFY_XY_URL: "https://x.test", ENVBOT_NOTIFY_XY_KIND: "amqp" })).toBe("ENVBOT_NOTIFY_XY_URL: an amqp target needs an amqp:// or amqps:// URL");
    expect(refusal({ ENVBOT_NOTIFY_X_URL: "https://x.test" })).toBe("ENVBOT_NOTIFY_X_URL: x is not a target name a repository can route to (2 to 32 letters, digits and _, starting with a letter)");
    expect(refusal({ ENVBOT_NOTIFY_TEAM_SLACK_URL: "https://slack.com/api/chat.postMessage", ENVBOT_NOTIFY_TEAM_SLACK_CHANNEL: "C0123456789" })).toBe(
      "ENVBOT_NOTIFY_TEAM_SLACK_CHANNEL is set without ENVBOT_NOTIFY_TEAM_SLACK_TOKEN: posting to a channel needs a Slack bot token (scope chat:write)",
    );
    expect(refusal({ ENVBOT_NOTIFY_TEAM_SLACK_URL: "https://slack.com/api/chat.postMessage", ENVBOT_NOTIFY_TEAM_SLACK_TOKEN: "s3cret-not-a-token" })).toBe("ENVBOT_NOTIFY_TEAM_SLACK_TOKEN is not a Slack token (xoxb-...)");
    expect(refusal({ ENVBOT_NOTIFY_TEAM_SLACK_URL: "https://slack.com/api/chat.postMessage", ENVBOT_NOTIFY_TEAM_SLACK_TOKEN: "xoxb-1-2" })).toBe("ENVBOT_NOTIFY_TEAM_SLACK_CHANNEL: set the channel's id (C0123456789) to post to");
    expect(refusal({ ENVBOT_AMQP_URL: "amqp://mq", ENVBOT_AMQP_ALLOW: "plan,nuke" })).toBe("ENVBOT_AMQP_ALLOW: nuke is not one of plan, apply, destroy, destroy-now, extend");
    expect(refusal({ ENVBOT_AMQP_URL: "amqp://mq", ENVBOT_AMQP_REPOSITORIES: "acme" })).toBe("ENVBOT_AMQP_REPOSITORIES: acme is not owner/name");
    const badPrefix = "ENVBOT_AMQP_REPLY_PREFIX: the start of the reply queues' names, like `ci.envbot-replies.` (letters, digits, . _ : -; not amq.)";
    expect(refusal({ ENVBOT_AMQP_URL: "amqp://mq", ENVBOT_AMQP_REPLY_PREFIX: "amq.gen-" })).toBe(badPrefix);
    expect(refusal({ ENVBOT_AMQP_URL: "amqp://mq", ENVBOT_AMQP_REPLY_PREFIX: "ci replies" })).toBe(badPrefix);
  });

  test("the command queue grants nothing unless told", () => {
    expect(readNotificationSettings({ ENVBOT_AMQP_URL: "amqp://mq" }).amqpCommands).toEqual({ url: "amqp://mq", queue: "envbot.commands", users: [], actions: [], repositories: [] });
    expect(
      readNotificationSettings({
        ENVBOT_AMQP_URL: "amqp://mq",
        ENVBOT_AMQP_USERS: "release-bot, ci",
        ENVBOT_AMQP_ALLOW: "plan, extend",
        ENVBOT_AMQP_REPOSITORIES: "acme/envs",
        ENVBOT_AMQP_COMMAND_QUEUE: "ops.envbot",
        ENVBOT_AMQP_REPLY_PREFIX: "ci.envbot-replies.",
      }).amqpCommands,
    ).toEqual({
      url: "amqp://mq",
      queue: "ops.envbot",
      users: ["release-bot", "ci"],
      actions: ["plan", "extend"],
      repositories: ["acme/envs"],
      replyPrefix: "ci.envbot-replies.",
    });
  });
});

describe("routing an event by the repository's routes", () => {
  const at = new Date("2026-12-02T10:00:00Z");
  const failed = domainEvent({ type: "apply-failed", repository: "acme/envs", environment: "checkout", runId: 1, effect: "apply", reason: "x" }, at);
  const applied = domainEvent({ type: "applied", repository: "acme/envs", environment: "checkout", runId: 2, changes: { add: 1, change: 0, destroy: 0 } }, at);
  const checkout = { owner: "@acme/Payments", template: "sandbox", labels: { tier: "preview", "cost-center": "4711" } };

  test("every matching route adds its targets, each once; filters on kind (failed = every failure), owner (any case), template and labels", () => {
    const routes: NotificationRoute[] = [
      { to: ["all"] },
      { to: ["payments", "all"], owners: ["@acme/payments"], events: ["failed"] },
      { to: ["sandboxes"], templates: ["sandbox"], labels: { tier: "preview" } },
      { to: ["prod"], labels: { tier: "production" } },
      { to: ["other-team"], owners: ["@acme/search"] },
    ];
    expect(targetsFor(failed, routes, checkout)).toEqual(["all", "payments", "sandboxes"]);
    expect(targetsFor(applied, routes, checkout)).toEqual(["all", "sandboxes"]);
    expect(targetsFor(applied, routes, {})).toEqual(["all"]);
    expect(targetsFor(applied, [], checkout)).toEqual([]);
  });
});
