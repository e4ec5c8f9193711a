import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { remoteParkedNotice } from "../../src/access/cli/commands/remote-notifications.js";
import { envbotApi, type EnvbotApi } from "../../src/access/cli/remote/envbot-api-client.js";
import { domainEvent } from "../../src/core/events/domain-event.js";
import type { Store } from "../../src/core/ports/index.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { NOW, starterRepository } from "../helpers/fixtures.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";
import { runEnvbot } from "../helpers/run-cli.js";

// `envbot notifications`: how events reached the notification targets, and the parked deliveries
// put back, from this machine's data directory or a remote envbot's REST API; and the line
// `envbot status` adds while deliveries are parked.

const REPO = "octo-org/environments";
const PRIVATE = "octo-org/payments-envs";
const ARCHIVED = "HTTP 410: channel_is_archived";

describe("on this machine", () => {
  let root: string;
  let repoDir: string;
  let dataDir: string;
  let store: Store;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "envbot-cli-notifications-"));
    repoDir = path.join(root, "repo");
    dataDir = path.join(root, "data");
    await mkdir(path.join(repoDir, "environments"), { recursive: true });
    await mkdir(dataDir);
    store = openSqliteStore({ file: path.join(dataDir, "envbot.db") });
  });

  afterEach(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  const envbot = (argv: string[]) => runEnvbot(argv, { cwd: repoDir, env: { PATH: process.env.PATH, HOME: root, USER: "tester", ENVBOT_DATA_DIR: dataDir } });

  /**
   * Three events: checkout's expiry and search's warning parked for team-slack (the first after a
   * retry, with an error of two lines and a terminal escape) and delivered to audit-hook; the
   * ledger's drift-resolved still waiting for audit-hook.
   */
  async function seed(): Promise<void> {
    const at = (time: string) => new Date(`2026-12-02T${time}Z`);
    await store.appendEvents([
      domainEvent({ type: "expired", repository: REPO, environment: "checkout", actor: "reconciler", expiresAt: "2026-12-02T10:00:00.000Z" }, at("10:00:00")),
      domainEvent({ type: "expiry-warned", repository: REPO, environment: "search", actor: "reconciler", expiresAt: "2026-12-03T11:00:00.000Z" }, at("11:00:00.250")),
      domainEvent({ type: "drift-resolved", repository: "octo-org/other", environment: "ledger", actor: "reconciler" }, at("12:00:00")),
    ]);
    const [checkout, search, ledger] = await store.pendingEvents(10);
    for (const entry of [checkout!, search!]) {
      await store.routeEvent(entry.seq, [{ target: "team-slack" }, { target: "audit-hook" }], at("12:30:00"));
      await store.markDeliveryDone(entry.seq, "audit-hook", at("12:31:00"));
    }
    await store.markDeliveryFailed(checkout!.seq, "team-slack", "HTTP 503: first try", at("12:35:00"));
    await store.markDeliveryFailed(checkout!.seq, "team-slack", "HTTP 503: \u001b[31mupstream\u001b[0m connect error\n<html>gateway</html>", "park");
    await store.markDeliveryFailed(search!.seq, "team-slack", ARCHIVED, "park");
    await store.routeEvent(ledger!.seq, [{ target: "audit-hook" }], at("12:40:00"));
  }

  test("lists each target's deliveries, then the parked ones newest first and how to retry them", async () => {
    await seed();
    const listed = await envbot(["notifications"]);
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    expect(listed.stdout).toBe(
      [
        "audit-hook   2 delivered, 1 waiting, 0 parked",
        `team-slack   0 delivered, 0 waiting, 2 parked   last error: ${ARCHIVED}`,
        "",
        "Parked deliveries (newest first):",
        `team-slack  expiry-warned  ${REPO} search    2026-12-02T11:00:00Z  1 attempt   ${ARCHIVED}`,
        // The first line of the error, its escape sequences shown as "?".
        `team-slack  expired        ${REPO} checkout  2026-12-02T10:00:00Z  2 attempts  HTTP 503: ?[31mupstream?[0m connect error`,
        "Retry them with: envbot notifications retry [--target NAME]",
        "",
      ].join("\n"),
    );

    // --target narrows both parts, and the retry it suggests.
    const slack = await envbot(["notifications", "--target", "team-slack"]);
    expect(slack.stdout.split("\n")).toEqual([
      `team-slack   0 delivered, 0 waiting, 2 parked   last error: ${ARCHIVED}`,
      "",
      "Parked deliveries (newest first):",
      expect.stringMatching(/^team-slack {2}expiry-warned {2}/),
      expect.stringMatching(/^team-slack {2}expired {8}/),
      "Retry them with: envbot notifications retry --target team-slack",
      "",
    ]);
    expect(await envbot(["notifications", "--target", "audit-hook"])).toMatchObject({ code: 0, stdout: "audit-hook   2 delivered, 1 waiting, 0 parked\n" });
    expect(await envbot(["notifications", "--target", "team.pager"])).toMatchObject({ code: 0, stdout: "No notifications have been routed to team.pager yet.\n" });
  });

  test("--json prints the API's shape: the targets and the parked deliveries, whole", async () => {
    await seed();
    const json = JSON.parse((await envbot(["notifications", "--json"])).stdout);
    expect(json).toEqual({
      targets: [
        { target: "audit-hook", waiting: 1, parked: 0, delivered: 2, lastDeliveredAt: "2026-12-02T12:31:00.000Z", lastError: null },
        { target: "team-slack", waiting: 0, parked: 2, delivered: 0, lastDeliveredAt: null, lastError: ARCHIVED },
      ],
      parked: [
        { target: "team-slack", eventId: expect.any(String), type: "expiry-warned", repository: REPO, environment: "search", at: "2026-12-02T11:00:00.250Z", attempts: 1, lastError: ARCHIVED },
        {
          target: "team-slack",
          eventId: expect.any(String),
          type: "expired",
          repository: REPO,
          environment: "checkout",
          at: "2026-12-02T10:00:00.000Z",
          attempts: 2,
          lastError: "HTTP 503: \u001b[31mupstream\u001b[0m connect error\n<html>gateway</html>",
        },
      ],
    });
    const events = await store.listParkedDeliveries({ limit: 10 });
    expect(json.parked.map((d: { eventId: string }) => d.eventId)).toEqual(events.map((d) => d.event.id));
    expect(JSON.parse((await envbot(["notifications", "--target", "audit-hook", "--json"])).stdout)).toEqual({ targets: [expect.objectContaining({ target: "audit-hook" })], parked: [] });
  });

  test("retry puts the parked deliveries (of --target) back to wait, due now; status says while some are parked", async () => {
    await seed();
    const status = await envbot(["status"]);
    expect(status.code).toBe(0);
    expect(status.stdout.split("\n").slice(-2)).toEqual(["Notifications: 2 parked deliveries (team-slack) — see 'envbot notifications'", ""]);
    expect(JSON.parse((await envbot(["status", "--json"])).stdout)).toEqual([]); // --json unchanged: the environments

    expect(await envbot(["notifications", "retry", "--target", "audit-hook"])).toMatchObject({ code: 0, stdout: "0 parked deliveries wait again\n", stderr: "" });
    expect(await store.listParkedDeliveries({ limit: 10 })).toHaveLength(2);

    expect(await envbot(["notifications", "retry", "--target", "team-slack"])).toMatchObject({ code: 0, stdout: "2 parked deliveries wait again\n", stderr: "" });
    expect(await store.listParkedDeliveries({ limit: 10 })).toEqual([]);
    const due = (await store.dueDeliveries(NOW, 10)).filter((d) => d.target === "team-slack");
    expect(due.map((d) => [d.event.environment, d.state, d.attempts])).toEqual([
      ["checkout", "waiting", 0],
      ["search", "waiting", 0],
    ]);
    expect((await store.deliveryStatus()).find((t) => t.target === "team-slack")).toMatchObject({ waiting: 2, parked: 0 });

    // Nothing parked: no parked list, and status says nothing of notifications.
    expect((await envbot(["notifications"])).stdout).toBe(`audit-hook   2 delivered, 1 waiting, 0 parked\nteam-slack   0 delivered, 2 waiting, 0 parked   last error: ${ARCHIVED}\n`);
    expect((await envbot(["status"])).stdout).not.toContain("Notifications");
  });

  test("retry without --target puts back every parked delivery", async () => {
    await seed();
    const ledger = (await store.dueDeliveries(new Date("2027-01-01T00:00:00Z"), 10)).find((d) => d.target === "audit-hook");
    await store.markDeliveryFailed(ledger!.seq, "audit-hook", "HTTP 404", "park");
    expect(await envbot(["notifications", "retry"])).toMatchObject({ code: 0, stdout: "3 parked deliveries wait again\n" });
    expect(await store.listParkedDeliveries({ limit: 10 })).toEqual([]);
  });

  test("nothing routed says so; mistakes are usage errors; help and the command list name it", async () => {
    expect(await envbot(["notifications"])).toMatchObject({ code: 0, stdout: "No notifications have been routed yet.\n", stderr: "" });
    expect(JSON.parse((await envbot(["notifications", "--json"])).stdout)).toEqual({ targets: [], parked: [] });
    expect((await envbot(["status"])).stdout).not.toContain("Notifications");

    for (const target of ["Team-Slack", "team slack", "-slack", "9lives", "", "a".repeat(64)]) {
      for (const argv of [["notifications", `--target=${target}`], ["notifications", "retry", `--target=${target}`]]) {
        expect(await envbot(argv)).toMatchObject({
          code: 2,
          stdout: "",
          stderr: `envbot notifications: --target '${target}' is not a target name: lowercase letters, digits, '.' and '-', starting with a letter (like team-slack)\nRun 'envbot notifications --help' for usage.\n`,
        });
      }
    }
    expect(await envbot(["notifications", "--target", "Team-Slack", "--json"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--target 'Team-Slack' is not a target name") });
    expect(await envbot(["notifications", "--target", "a".repeat(63)])).toMatchObject({ code: 0 });
    expect(await envbot(["notifications", "resend"])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown subcommand 'resend': retry, or none to list the deliveries") });
    expect(await envbot(["notifications", "retry", "now"])).toMatchObject({ code: 2, stderr: expect.stringContaining("unexpected argument now") });
    expect(await envbot(["notifications", "retry", "--json"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--json is for the list; retry prints one line") });
    expect(await envbot(["notifications", "--target"])).toMatchObject({ code: 2, stderr: expect.stringContaining("option --target needs a value") });

    const help = await envbot(["notifications", "--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toContain("Usage: envbot notifications [--target NAME] [--json] [--context CONTEXT]\n       envbot notifications retry [--target NAME] [--context CONTEXT]");
    expect((await envbot(["notifications", "retry", "-h"])).stdout).toBe(help.stdout);
    expect((await envbot(["--help"])).stdout).toMatch(/^ {2}notifications +\S/m);
  });
});

describe("through a context", () => {
  const mock = setupGitHubMock();
  let api: ControlPlaneServer;
  let github: FakeGitHub;
  let payments: FakeGitHub;
  let root: string;
  let configDir: string;
  let token: string;

  beforeEach(async () => {
    mock.before();
    github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
    payments = new FakeGitHub({ owner: "octo-org", repo: "payments-envs" });
    github.install();
    payments.install();
    github.permissions.set("alice", "write");
    github.permissions.set("rita", "read");
    payments.permissions.set("paula", "admin");
    github.commit("main", await starterRepository());
    api = await startControlPlaneServer();
    root = await mkdtemp(path.join(tmpdir(), "envbot-cli-notifications-remote-"));
    configDir = path.join(root, "config");
    token = await api.tokenFor("alice", [REPO]);
    // As test/integration/api-notifications.test.ts: one event of each repository parked for team-slack, delivered to audit-hook.
    const at = new Date("2026-12-02T10:00:00Z");
    await api.store.appendEvents([
      domainEvent({ type: "expired", repository: REPO, environment: "checkout", actor: "reconciler", expiresAt: at.toISOString() }, at),
      domainEvent({ type: "expired", repository: PRIVATE, environment: "ledger", actor: "reconciler", expiresAt: at.toISOString() }, at),
    ]);
    for (const entry of await api.store.pendingEvents(10)) {
      await api.store.routeEvent(entry.seq, [{ target: "team-slack" }, { target: "audit-hook" }], at);
      await api.store.markDeliveryFailed(entry.seq, "team-slack", ARCHIVED, "park");
      await api.store.markDeliveryDone(entry.seq, "audit-hook", at);
    }
  });

  afterEach(async () => {
    await api.close();
    github.uninstall();
    payments.uninstall();
    mock.after();
    await rm(root, { recursive: true, force: true });
    expect(api.violations).toEqual([]);
  });

  const envbot = (argv: string[], env: NodeJS.ProcessEnv = {}) => runEnvbot(argv, { cwd: root, env: { ENVBOT_CONFIG_DIR: configDir, ENVBOT_TOKEN: token, ...env } });
  const addProd = async () => expect((await envbot(["context", "add", "prod", api.origin, "--repository", REPO])).code).toBe(0);

  test("lists the server's targets and the parked deliveries of what the token may see, as on this machine", async () => {
    await addProd();
    const listed = await envbot(["notifications", "--context", "prod"]);
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    // The other repository's deliveries are paula's: alice's token neither lists nor counts them.
    expect(listed.stdout).toBe(
      [
        "audit-hook   1 delivered, 0 waiting, 0 parked",
        `team-slack   0 delivered, 0 waiting, 1 parked   last error: ${ARCHIVED}`,
        "",
        "Parked deliveries (newest first):",
        `team-slack  expired  ${REPO} checkout  2026-12-02T10:00:00Z  1 attempt  ${ARCHIVED}`,
        "Retry them with: envbot notifications retry --context prod [--target NAME]",
        "",
      ].join("\n"),
    );

    // --json is the API's answer, as is (narrowed by --target).
    const answer = await api.call("GET", "/api/v1/notifications", { as: { token } });
    expect(JSON.parse((await envbot(["notifications", "--json"], { ENVBOT_CONTEXT: "prod" })).stdout)).toEqual(answer.body);
    expect(JSON.parse((await envbot(["notifications", "--context", "prod", "--json", "--target", "audit-hook"])).stdout)).toEqual({
      targets: [{ target: "audit-hook", waiting: 0, parked: 0, delivered: 1, lastDeliveredAt: "2026-12-02T10:00:00.000Z", lastError: null }],
      parked: [],
    });

    // status adds the line, naming the context.
    const status = await envbot(["status", "--context", "prod"]);
    expect(status).toMatchObject({ code: 0, stderr: "" });
    expect(status.stdout.split("\n").slice(-2)).toEqual(["Notifications: 1 parked delivery (team-slack) — see 'envbot notifications --context prod'", ""]);
    expect(Array.isArray(JSON.parse((await envbot(["status", "--context", "prod", "--json"])).stdout))).toBe(true);
  });

  test("status stays as it was when the server does not answer GET /api/v1/notifications", async () => {
    const context = { name: "prod", url: api.origin, token };
    const failing = { context, get: async () => Promise.reject(new Error("404")), post: async () => Promise.reject(new Error("404")), stream: () => { throw new Error("404"); } } as unknown as EnvbotApi;
    expect(await remoteParkedNotice(failing)).toBeUndefined();
    const notTheApi = { ...failing, get: async () => ({ items: [] }) } as unknown as EnvbotApi;
    expect(await remoteParkedNotice(notTheApi)).toBeUndefined();
    expect(await remoteParkedNotice(envbotApi(context))).toBe("Notifications: 1 parked delivery (team-slack) — see 'envbot notifications --context prod'");
  });

  test("retry puts back the parked deliveries of the repositories the token's owner may write to, and says which", async () => {
    await addProd();
    expect(await envbot(["notifications", "retry", "--context", "prod", "--target", "audit-hook"])).toMatchObject({
      code: 0,
      stdout: "0 parked deliveries wait again (the server retries only those of repositories you may write to)\n",
    });
    expect(await envbot(["notifications", "retry", "--target", "team-slack"], { ENVBOT_CONTEXT: "prod" })).toMatchObject({
      code: 0,
      stdout: `1 parked delivery waits again, of ${REPO}\n`,
      stderr: "",
    });
    expect((await api.store.listParkedDeliveries({ limit: 10 })).map((d) => d.event.repository)).toEqual([PRIVATE]);
    expect((await api.store.dueDeliveries(new Date(), 10)).map((d) => [d.target, d.event.environment])).toEqual([["team-slack", "checkout"]]);
    expect(await api.store.listAudit({ repositories: [REPO], limit: 1 })).toMatchObject([{ actor: "alice", action: "notifications.retry", source: "api-token", detail: "team-slack" }]);

    // The one left parked is paula's: alice's status and list neither count nor show it.
    expect((await envbot(["status", "--context", "prod"])).stdout).not.toContain("Notifications:");
    expect((await envbot(["notifications", "--context", "prod"])).stdout).toBe(
      [
        "audit-hook   1 delivered, 0 waiting, 0 parked",
        `team-slack   0 delivered, 1 waiting, 0 parked   last error: ${ARCHIVED}`,
        "",
      ].join("\n"),
    );
  });

  test("a bad --target never reaches the server; a refused token is printed as the other remote commands print it", async () => {
    await addProd();
    expect(await envbot(["notifications", "retry", "--context", "prod", "--target", "Team Slack!"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--target 'Team Slack!' is not a target name") });
    expect(await api.store.listParkedDeliveries({ limit: 10 })).toHaveLength(2);

    const [record] = await api.store.listApiTokens("alice");
    await api.store.revokeApiToken(record!.id, "alice");
    for (const argv of [["notifications", "--context", "prod"], ["notifications", "retry", "--context", "prod"]]) {
      const refused = await envbot(argv);
      expect(refused).toMatchObject({ code: 1, stdout: "" });
      expect(refused.stderr).toMatch(new RegExp(`^envbot notifications: the server at ${api.origin} does not accept the API token of context prod`));
      expect(refused.stderr).not.toContain(token);
    }
    expect(await api.store.listParkedDeliveries({ limit: 10 })).toHaveLength(2);
  });
});
