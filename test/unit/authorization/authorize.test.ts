import { authorize, type AccessPolicy } from "../../../src/core/authorization/authorize.js";
import type { Permission } from "../../../src/core/ports/index.js";

const REPO = "acme/environments";

/** Permissions as GitHub would answer them, per login; asked questions are recorded. */
function policy(permissions: Record<string, Permission>): AccessPolicy & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async permissionOf(repository, login) {
      asked.push(`${repository} ${login}`);
      return permissions[login] ?? "none";
    },
    async isTeamMember(org, team, login) {
      return org === "acme" && team === "platform" && login === "paula";
    },
  };
}

const pr = (login: string, fork = false) => ({ kind: "pull-request" as const, number: 7, login, fork });

describe("authorize: one rule set for every access path", () => {
  test("on a pull request, writers (write, maintain, admin) may plan and unlock; readers and strangers are refused with their permission", async () => {
    const rules = policy({ alice: "write", mia: "maintain", ada: "admin", rita: "read", tom: "triage" });
    for (const login of ["alice", "mia", "ada"]) {
      expect(await authorize(pr(login), "plan", { repository: REPO, name: "checkout" }, rules)).toEqual({ allowed: true });
      expect(await authorize(pr(login), "unlock", { repository: REPO }, rules)).toEqual({ allowed: true });
    }
    expect(await authorize(pr("rita"), "plan", { repository: REPO }, rules)).toEqual({ allowed: false, reason: "needs-write", permission: "read" });
    expect(await authorize(pr("tom"), "unlock", { repository: REPO }, rules)).toEqual({ allowed: false, reason: "needs-write", permission: "triage" });
    expect(await authorize(pr("nobody"), "plan", { repository: REPO }, rules)).toEqual({ allowed: false, reason: "needs-write", permission: "none" });
    expect(rules.asked).toContain(`${REPO} rita`);
  });

  test("a pull request's own Terraform code runs only for a writer's same-repository head, never a fork's", async () => {
    const rules = policy({ alice: "admin", rita: "read" });
    expect(await authorize(pr("alice"), "run-head-templates", { repository: REPO }, rules)).toEqual({ allowed: true });
    expect(await authorize(pr("alice", true), "run-head-templates", { repository: REPO }, rules)).toEqual({ allowed: false, reason: "fork" });
    expect(await authorize(pr("rita"), "run-head-templates", { repository: REPO }, rules)).toMatchObject({ allowed: false, reason: "needs-write" });
  });

  test("the CLI's user and the reconciler act without asking GitHub", async () => {
    const rules = policy({});
    expect(await authorize({ kind: "cli", user: "alice" }, "destroy", { repository: "/home/alice/envs", name: "sandbox" }, rules)).toEqual({ allowed: true });
    expect(await authorize({ kind: "reconciler" }, "destroy", { repository: REPO, name: "checkout" }, rules)).toEqual({ allowed: true });
    expect(rules.asked).toEqual([]);
  });

  test("the AMQP command queue may do what the server grants it, in the repositories it names, never apply or destroy a protected environment", async () => {
    const amqp = { kind: "amqp" as const, user: "release-bot" };
    const nothing = policy({});
    expect(await authorize(amqp, "plan", { repository: REPO, name: "checkout" }, nothing)).toMatchObject({ allowed: false, reason: "not-granted" });
    const granted = { ...policy({}), amqpGrant: { users: ["release-bot"], actions: ["plan", "apply", "destroy-now"] as const, repositories: [REPO] } };
    // The grant is the broker user's (user_id): another user's command, or one naming none, gets nothing.
    expect(await authorize({ kind: "amqp", user: "guest" }, "plan", { repository: REPO, name: "checkout" }, granted)).toEqual({
      allowed: false,
      reason: "not-granted",
      detail: "this server does not take AMQP commands from the broker user guest (ENVBOT_AMQP_USERS)",
    });
    expect(await authorize({ kind: "amqp" }, "plan", { repository: REPO, name: "checkout" }, granted)).toMatchObject({ allowed: false, reason: "not-granted", detail: expect.stringContaining("user_id") });
    expect(await authorize(amqp, "plan", { repository: REPO, name: "checkout" }, granted)).toEqual({ allowed: true });
    expect(await authorize(amqp, "apply", { repository: REPO, name: "checkout" }, granted)).toEqual({ allowed: true });
    expect(await authorize(amqp, "extend", { repository: REPO, name: "checkout" }, granted)).toEqual({ allowed: false, reason: "not-granted", detail: "this server does not let AMQP commands extend (ENVBOT_AMQP_ALLOW)" });
    expect(await authorize(amqp, "plan", { repository: "acme/other", name: "checkout" }, granted)).toMatchObject({ allowed: false, reason: "not-granted" });
    expect(await authorize(amqp, "apply", { repository: REPO, name: "prod", protected: true }, granted)).toEqual({
      allowed: false,
      reason: "not-granted",
      detail: "prod is protected: it is never applied from the message bus",
    });
    expect(await authorize(amqp, "destroy-now", { repository: REPO, name: "prod", protected: true }, granted)).toMatchObject({ allowed: false, reason: "not-granted" });
    expect(await authorize(amqp, "plan", { repository: REPO, name: "prod", protected: true }, granted)).toEqual({ allowed: true });
    expect(granted.asked).toEqual([]); // no GitHub login behind it: GitHub is not asked
  });

  test("through the API, readers see and writers act; strangers see nothing", async () => {
    const rules = policy({ alice: "write", rita: "read" });
    const api = (login: string) => ({ kind: "api" as const, login, via: "session" as const });
    expect(await authorize(api("rita"), "read", { repository: REPO }, rules)).toEqual({ allowed: true });
    expect(await authorize(api("rita"), "unlock", { repository: REPO, name: "checkout" }, rules)).toEqual({ allowed: false, reason: "needs-write", permission: "read" });
    expect(await authorize(api("alice"), "extend", { repository: REPO, name: "checkout" }, rules)).toEqual({ allowed: true });
    expect(await authorize(api("nobody"), "read", { repository: REPO }, rules)).toEqual({ allowed: false, reason: "needs-read" });
  });

  test("an API token acts only in its repositories, and never beyond what its creator may do now", async () => {
    const rules = policy({ alice: "write", rita: "read" });
    const token = (login: string) => ({ kind: "api" as const, login, via: "token" as const, repositories: [REPO] });
    expect(await authorize(token("alice"), "plan", { repository: REPO, name: "checkout" }, rules)).toEqual({ allowed: true });
    expect(await authorize(token("alice"), "read", { repository: "acme/other" }, rules)).toEqual({ allowed: false, reason: "outside-token-scope" });
    expect(await authorize(token("rita"), "plan", { repository: REPO }, rules)).toEqual({ allowed: false, reason: "needs-write", permission: "read" });
  });
});
