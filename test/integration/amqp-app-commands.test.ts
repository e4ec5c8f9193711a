import { jest } from "@jest/globals";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { connect, type Channel, type ChannelModel, type ConsumeMessage, type GetMessage } from "amqplib";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { sha, starterRepository } from "../helpers/app-harness.js";
import { definitionYaml } from "../helpers/engine-sandbox.js";
import { eventually, startAppProcess, type AppProcess } from "../helpers/envbot-app-process.js";
import { expectDocumentedEvent } from "../helpers/notify/documented-event.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/notify/webhook-receiver.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { githubApi, setupGitHubMock } from "../helpers/github/github-mock.js";
import { serveGitHubOverHttp, type GitHubOverHttp } from "../helpers/github/github-over-http.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_OWNER, DEFAULT_REPO } from "../helpers/github/webhook-payloads.js";
import { startRabbitMq, type RabbitMqServer } from "../helpers/rabbitmq-server.js";
import { PROVIDER_MIRROR, writeTerraformCliConfig } from "../helpers/terraform-cli-config.js";

// The App as `npm start` runs it, on a real RabbitMQ: its events go out on the topic exchange,
// and it takes commands from the command queue, answering on each command's reply queue. The
// test's client is the broker user release-bot (envbot connects as guest): RabbitMQ checks a
// message's user_id against the connection's user, so that is who sends.
jest.setTimeout(240_000);

const SENDER = "release-bot";
const REPLY_PREFIX = "release-bot.replies.";

const mock = setupGitHubMock();
let broker: RabbitMqServer;
let client: ChannelModel;
let channel: Channel;
let root: string;
let github: FakeGitHub;
let githubHttp: GitHubOverHttp;
let app: AppProcess;
let events: string;
let replies: string;
let hook: WebhookReceiver;

beforeAll(async () => {
  broker = await startRabbitMq();
  client = await connect(await broker.addUser(SENDER, "release-bot-password"));
  channel = await client.createChannel();
  // Declared as the App declares it, so the test can watch for the App's consumer.
  await channel.assertQueue("envbot.commands", { durable: true });
}, 90_000);
afterAll(async () => {
  await client?.close().catch(() => undefined);
  await broker?.stop();
}, 30_000);

beforeEach(async () => {
  mock.before();
  root = await mkdtemp(path.join(tmpdir(), "envbot-amqp-"));
  github = new FakeGitHub({ owner: DEFAULT_OWNER, repo: DEFAULT_REPO, installationId: DEFAULT_INSTALLATION_ID });
  github.install();
  githubApi().get("/app/installations").query(true).reply(200, []).persist();
  githubHttp = await serveGitHubOverHttp();
  const main = {
    ...(await starterRepository()),
    ".github/envbot.yml": "notifications:\n  routes:\n    - to: [bus, hook]\n",
    "environments/preview.yaml": definitionYaml("preview", "sandbox", "  ttl: 24h\n"),
  };
  github.commit(sha("main0"), main);
  github.commit("main", main);

  // What a subscriber of the exchange sees, and where this test's commands are answered.
  await channel.assertExchange("envbot.events", "topic", { durable: true });
  events = (await channel.assertQueue("", { exclusive: true })).queue;
  await channel.bindQueue(events, "envbot.events", `envbot.${github.fullName}.#`);
  replies = (await channel.assertQueue(`${REPLY_PREFIX}${randomUUID()}`, { exclusive: true })).queue;
  // A signed-webhook target beside the bus: another subscriber of the same events.
  hook = await startWebhookReceiver();

  app = await startAppProcess({
    ENVBOT_DATA_DIR: path.join(root, "data"),
    TF_CLI_CONFIG_FILE: await writeTerraformCliConfig(root, { mirror: PROVIDER_MIRROR }),
    GHE_HOST: githubHttp.host,
    ENVBOT_NOTIFY_BUS_URL: broker.url,
    ENVBOT_NOTIFY_HOOK_URL: `${hook.url}/envbot`,
    ENVBOT_NOTIFY_HOOK_SECRET: "whsec-4f7c1e9a2b8d6e3f",
    ENVBOT_AMQP_URL: broker.url,
    ENVBOT_AMQP_USERS: SENDER,
    ENVBOT_AMQP_REPLY_PREFIX: REPLY_PREFIX,
    ENVBOT_AMQP_ALLOW: "plan,extend",
    ENVBOT_AMQP_REPOSITORIES: github.fullName,
  });
});
afterEach(async () => {
  await app?.killAll();
  await hook.close();
  await githubHttp.close();
  github.uninstall();
  await rm(root, { recursive: true, force: true });
  mock.after();
});

function send(body: string | object, correlationId: string, properties: { replyTo?: string; userId?: string; appId?: string; on?: Channel } = {}): void {
  const { on = channel, ...rest } = properties;
  on.sendToQueue("envbot.commands", Buffer.from(typeof body === "string" ? body : JSON.stringify(body)), { replyTo: replies, correlationId, contentType: "application/json", userId: SENDER, appId: SENDER, ...rest });
}

async function next(queue: string): Promise<GetMessage> {
  let message = false as GetMessage | false;
  await withAppOutput(eventually(`a message on ${queue}`, async () => (message = await channel.get(queue, { noAck: true })) !== false));
  return message as GetMessage;
}

/** A failed wait says what the App wrote last. */
function withAppOutput(waiting: Promise<void>): Promise<void> {
  return waiting.catch((error: unknown) => {
    throw new Error(`${(error as Error).message}:\n${app.output().slice(-3000)}`);
  });
}
const body = (message: GetMessage) => JSON.parse(message.content.toString("utf8")) as Record<string, any>;

test("a plan command plans the environment; its outcome comes back on the reply queue and its event goes out with its routing key", async () => {
  // The App declares the command queue when it starts consuming: wait for it.
  await expectEventually(async () => (await channel.assertQueue("envbot.commands", { durable: true })).consumerCount === 1);
  send({ command: "plan", repository: github.fullName, environment: "preview" }, "cmd-plan-1");

  const reply = await next(replies);
  expect(reply.properties.correlationId).toBe("cmd-plan-1");
  expect(body(reply)).toMatchObject({
    id: "cmd-plan-1",
    ok: true,
    event: { type: "dev.envbot.planned", subject: "preview", source: `envbot:${github.fullName}`, data: { actor: "amqp:release-bot", changes: { add: 1, change: 0, destroy: 0 } } },
  });
  const published = await next(events);
  expect(published.fields.routingKey).toBe(`envbot.${github.fullName}.preview.planned`);
  expect(published.properties).toMatchObject({ messageId: body(reply).event.id, contentType: "application/cloudevents+json" });
});

test("the event of a run a command started tells its subscribers (an AMQP subscriber, a webhook) the documented fields only: not the command's reply queue or correlation id", async () => {
  await expectEventually(async () => (await channel.assertQueue("envbot.commands", { durable: true })).consumerCount === 1);
  const correlationId = `cmd-${randomUUID()}`;
  send({ command: "plan", repository: github.fullName, environment: "preview" }, correlationId);

  // The requester's answer carries them (it is the requester's own) ...
  const reply = await next(replies);
  expect(reply.properties.correlationId).toBe(correlationId);
  expect(body(reply)).toMatchObject({ id: correlationId, ok: true, event: { type: "dev.envbot.planned" } });
  // ... the subscribers' copies of the same event do not.
  const published = (await next(events)).content.toString("utf8");
  await hook.waitFor(1, 60_000);
  for (const text of [published, hook.requests[0]!.body]) {
    expect(text).not.toContain(correlationId);
    expect(text).not.toContain(replies);
    expect(expectDocumentedEvent(text)).toMatchObject({ id: body(reply).event.id, type: "dev.envbot.planned", data: { actor: "amqp:release-bot", changes: { add: 1, change: 0, destroy: 0 } } });
  }
  expectDocumentedEvent(body(reply).event);
});

test("a command that is not exactly one JSON object (YAML, an array, a key twice, too large) is answered invalid and runs nothing; the consumer goes on", async () => {
  await expectEventually(async () => (await channel.assertQueue("envbot.commands", { durable: true })).consumerCount === 1);
  send(`command: plan\nrepository: ${github.fullName}\nenvironment: preview\n`, "yaml");
  send([{ command: "plan", repository: github.fullName, environment: "preview" }], "array");
  // JSON.parse would keep the last "command"; another reader may keep the first.
  const twice = `{"command": "extend", "repository": "${github.fullName}", "environment": "preview", "by": "24h", "command": "plan"}`;
  send(twice, "duplicate-key");
  send({ command: "plan", repository: github.fullName, environment: "preview", padding: "x".repeat(70 * 1024) }, "oversized");
  send({ command: "plan", repository: github.fullName, environment: "preview" }, "still-alive");

  const answers = new Map<string, Record<string, any>>();
  while (answers.size < 5) {
    const message = await next(replies);
    answers.set(message.properties.correlationId as string, body(message));
  }
  expect(answers.get("yaml")).toMatchObject({ ok: false, reason: "invalid", detail: expect.stringMatching(/^not an envbot command \(a JSON object\): message:1:1: not JSON: Unexpected token/) });
  expect(answers.get("array")).toMatchObject({ ok: false, reason: "invalid", detail: expect.stringContaining("message:1:1: not a JSON object but an array") });
  expect(answers.get("duplicate-key")).toMatchObject({ ok: false, reason: "invalid", detail: expect.stringContaining(`message:1:${twice.lastIndexOf('"command"') + 1}: the key "command" appears twice in one object`) });
  expect(answers.get("oversized")).toMatchObject({ ok: false, reason: "invalid", detail: expect.stringMatching(/^the command is \d+ bytes; at most 65536$/) });
  expect(answers.get("still-alive")).toMatchObject({ ok: true, event: { type: "dev.envbot.planned" } });
  // Only the last one ran: one plan queued and done, no pull request (the duplicate's extend) opened.
  expect((await auditTrail()).map((e) => [e.action, e.outcome])).toEqual([
    ["plan", "succeeded"],
    ["plan", "queued"],
  ]);
  expect(github.createdPullRequests).toEqual([]);
});

test("malformed and unauthorized commands are answered with the reason, and the consumer goes on taking commands", async () => {
  await expectEventually(async () => (await channel.assertQueue("envbot.commands", { durable: true })).consumerCount === 1);
  send("{ not json", "bad-json");
  send({ command: "nuke", repository: github.fullName, environment: "preview" }, "bad-command");
  send({ command: "apply", repository: github.fullName, environment: "preview" }, "not-granted");
  send({ command: "plan", repository: "someone-else/infra", environment: "prod" }, "other-repository");
  send({ command: "extend", repository: github.fullName, environment: "preview" }, "extend-without-by");
  send({ command: "plan", repository: github.fullName, environment: "preview" }, "still-alive");

  const answers = new Map<string, Record<string, any>>();
  while (answers.size < 6) {
    const message = await next(replies);
    answers.set(message.properties.correlationId as string, body(message));
  }
  expect(answers.get("bad-json")).toMatchObject({ ok: false, reason: "invalid" });
  expect(answers.get("bad-command")).toMatchObject({ ok: false, reason: "invalid", detail: expect.stringContaining("message:1:12: command: 'nuke' is not a command: plan, apply, destroy or extend") });
  expect(answers.get("not-granted")).toMatchObject({ ok: false, reason: "refused", detail: "this server does not let AMQP commands apply (ENVBOT_AMQP_ALLOW)" });
  expect(answers.get("other-repository")).toMatchObject({ ok: false, reason: "refused", detail: expect.stringContaining("does not let AMQP commands act on someone-else/infra") });
  expect(answers.get("extend-without-by")).toMatchObject({ ok: false, reason: "invalid" });
  expect(answers.get("still-alive")).toMatchObject({ ok: true, event: { type: "dev.envbot.planned" } });
  expect(app.output()).not.toMatch(/"level":(50|60).*uncaught/i);
});

test("a command may write the repository in another case: it acts on the repository as GitHub spells it", async () => {
  await expectEventually(async () => (await channel.assertQueue("envbot.commands", { durable: true })).consumerCount === 1);
  send({ command: "plan", repository: github.fullName.toUpperCase(), environment: "preview" }, "cmd-shouted");
  const reply = await next(replies);
  expect(body(reply)).toMatchObject({ id: "cmd-shouted", ok: true, event: { type: "dev.envbot.planned", source: `envbot:${github.fullName}` } });
  expect((await next(events)).fields.routingKey).toBe(`envbot.${github.fullName}.preview.planned`);
});

async function expectEventually(check: () => Promise<boolean>): Promise<void> {
  await withAppOutput(eventually("the check to hold", () => check().catch(() => false)));
}

/** The audit entries of the App's data directory, newest first. */
async function auditTrail() {
  const store = openSqliteStore({ file: path.join(root, "data", "envbot.db") });
  try {
    return await store.listAudit({ limit: 20 });
  } finally {
    await store.close();
  }
}

test("a reply_to naming another queue gets nothing and runs nothing; RabbitMQ's direct reply-to gets the answer", async () => {
  await expectEventually(async () => (await channel.assertQueue("envbot.commands", { durable: true })).consumerCount === 1);
  // Someone else's queue, which the sender would like envbot to write into with its credentials.
  const victim = (await channel.assertQueue(`billing.inbox.${randomUUID()}`, { exclusive: true })).queue;
  send({ command: "extend", repository: github.fullName, environment: "preview", by: "24h" }, "hijack", { replyTo: victim });
  send({ command: "plan", repository: github.fullName, environment: "preview" }, "hijack-plan", { replyTo: victim });

  // Direct reply-to: the requester consumes the pseudo-queue on the channel it sends from.
  const direct: ConsumeMessage[] = [];
  const requester = await client.createChannel();
  try {
    await requester.consume("amq.rabbitmq.reply-to", (message) => void (message && direct.push(message)), { noAck: true });
    send({ command: "plan", repository: github.fullName, environment: "preview" }, "direct", { replyTo: "amq.rabbitmq.reply-to", on: requester });
    await expectEventually(async () => direct.length > 0);
  } finally {
    await requester.close();
  }
  expect(direct[0]!.properties.correlationId).toBe("direct");
  expect(JSON.parse(direct[0]!.content.toString("utf8"))).toMatchObject({ id: "direct", ok: true, event: { type: "dev.envbot.planned", data: { actor: "amqp:release-bot" } } });

  // The two before it were refused unread (in the log), answered nowhere, and ran nothing. They
  // came on another channel, which the broker may hand over after the requester's: wait for both.
  const refusals = () => app.output().split("AMQP command refused unread: its reply_to is no reply queue").length - 1;
  await withAppOutput(eventually("both refusals in the App's log", () => refusals() >= 2));
  expect(app.output()).toContain(victim);
  expect((await channel.checkQueue(victim)).messageCount).toBe(0);
  expect(github.createdPullRequests).toEqual([]);
  // One plan queued and run: the direct one's.
  expect((await auditTrail()).map((e) => [e.actor, e.source, e.action, e.outcome])).toEqual([
    ["amqp:release-bot", "amqp", "plan", "succeeded"],
    ["amqp:release-bot", "amqp", "plan", "queued"],
  ]);
});

test("the actor is the broker-checked user_id, never the app_id the sender writes; a command without user_id, or from a user the server does not name, is refused", async () => {
  await expectEventually(async () => (await channel.assertQueue("envbot.commands", { durable: true })).consumerCount === 1);
  send({ command: "plan", repository: github.fullName, environment: "preview" }, "forged-app", { appId: "platform-admin" });
  const reply = await next(replies);
  expect(body(reply)).toMatchObject({ id: "forged-app", ok: true, event: { data: { actor: "amqp:release-bot" } } });
  expect(new Set((await auditTrail()).map((e) => e.actor))).toEqual(new Set(["amqp:release-bot"]));

  // RabbitMQ itself refuses a user_id that is not the connection's user: the message never arrives.
  const forging = await client.createChannel();
  const closed = new Promise<Error>((resolve) => forging.once("error", resolve));
  send({ command: "plan", repository: github.fullName, environment: "preview" }, "forged-user", { userId: "guest", on: forging });
  expect((await closed).message).toMatch(/PRECONDITION_FAILED.*user_id/);

  send({ command: "plan", repository: github.fullName, environment: "preview" }, "no-user", { userId: undefined });
  // guest is a broker user too, but not one ENVBOT_AMQP_USERS names.
  const guest = await connect(broker.url);
  try {
    const guestChannel = await guest.createChannel();
    send({ command: "plan", repository: github.fullName, environment: "preview" }, "guest", { userId: "guest", on: guestChannel });
    const answers = new Map<string, Record<string, any>>();
    while (answers.size < 2) {
      const message = await next(replies);
      answers.set(message.properties.correlationId as string, body(message));
    }
    expect(answers.get("no-user")).toMatchObject({ ok: false, reason: "refused", detail: expect.stringContaining("user_id") });
    expect(answers.get("guest")).toEqual({ id: "guest", ok: false, reason: "refused", detail: "this server does not take AMQP commands from the broker user guest (ENVBOT_AMQP_USERS)" });
  } finally {
    await guest.close();
  }
  // Two connections: the refusals may have arrived in either order.
  const trail = await auditTrail();
  expect(trail.filter((e) => e.outcome === "refused").map((e) => e.actor).sort()).toEqual(["amqp", "amqp:guest"]);
  expect(trail.filter((e) => e.outcome !== "refused").every((e) => e.actor === "amqp:release-bot")).toBe(true);
});
