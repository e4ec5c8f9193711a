import { roleForRun, sessionName, sessionSeconds, sessionTags } from "../../../src/core/credentials/cloud-roles.js";
import { parseRoleAllowRules, roleRefusal } from "../../../src/core/credentials/role-allow-rules.js";
import { terraformChildEnv } from "../../../src/adapters/terraform/terraform-child-env.js";

const APPLY = "arn:aws:iam::123456789012:role/envbot-apply";
const PLAN = "arn:aws:iam::123456789012:role/envbot-plan";
const run = { repository: "acme/shop", environment: "web", owner: "@acme/qa", phase: "apply" as const, runId: 42 };

describe("the role a run assumes", () => {
  test("plans and drift checks read with planRole; apply and destroy change with role", () => {
    const repository = { role: APPLY, planRole: PLAN };
    expect(roleForRun(undefined, repository, "plan")).toBe(PLAN);
    expect(roleForRun(undefined, repository, "drift")).toBe(PLAN);
    expect(roleForRun(undefined, repository, "apply")).toBe(APPLY);
    expect(roleForRun(undefined, repository, "destroy")).toBe(APPLY);
    expect(roleForRun(undefined, { role: APPLY }, "plan")).toBe(APPLY);
  });

  test("a template's choice wins whole: the repository's planRole does not mix into it", () => {
    const template = { role: "arn:aws:iam::123456789012:role/site" };
    expect(roleForRun(template, { role: APPLY, planRole: PLAN }, "plan")).toBe(template.role);
    expect(roleForRun(undefined, undefined, "plan")).toBeUndefined();
  });
});

describe("what STS is told about the run", () => {
  test("session tags name environment, owner, repository and phase; characters STS refuses become _", () => {
    expect(sessionTags(run)).toEqual({ "envbot:environment": "web", "envbot:owner": "@acme/qa", "envbot:repository": "acme/shop", "envbot:phase": "apply" });
    expect(sessionTags({ ...run, owner: "Ana <ana@example.com>" })["envbot:owner"]).toBe("Ana _ana@example.com_");
  });

  test("the session name says which run, within STS's 64 characters", () => {
    expect(sessionName(run)).toBe("envbot-apply-42-web");
    expect(sessionName({ ...run, environment: "x".repeat(80) })).toHaveLength(64);
  });

  test("a session lasts one Terraform command's timeout, at least STS's 15 minutes, at most the operator's maximum", () => {
    expect(sessionSeconds(30 * 60_000, 60 * 60_000)).toBe(1800);
    expect(sessionSeconds(60_000, 60 * 60_000)).toBe(900);
    expect(sessionSeconds(3 * 3600_000, 60 * 60_000)).toBe(3600);
  });
});

describe("ENVBOT_AWS_ROLES_ALLOW", () => {
  const allow = parseRoleAllowRules(`acme/shop=arn:aws:iam::123456789012:role/envbot-*; arn:aws:iam::123456789012:role/shared-read`);

  test("a repository may assume its own patterns and the ones for every repository", () => {
    expect(roleRefusal(allow, "acme/shop", APPLY)).toBeUndefined();
    expect(roleRefusal(allow, "ACME/Shop", APPLY)).toBeUndefined();
    expect(roleRefusal(allow, "acme/other", "arn:aws:iam::123456789012:role/shared-read")).toBeUndefined();
    expect(roleRefusal(allow, "acme/other", APPLY)).toBe(`${APPLY} matches none of the roles the server's ENVBOT_AWS_ROLES_ALLOW lets acme/other assume (arn:aws:iam::123456789012:role/shared-read)`);
  });

  test("nothing is allowed by default, and a pattern that is no ARN is a settings error", () => {
    expect(roleRefusal(parseRoleAllowRules(undefined), "acme/shop", APPLY)).toBe(`the server's ENVBOT_AWS_ROLES_ALLOW lets acme/shop assume no role; whoever runs envbot can allow ${APPLY} there`);
    expect(() => parseRoleAllowRules("acme/shop=envbot-*")).toThrow("'envbot-*' is not a role ARN");
    expect(() => parseRoleAllowRules("not a repo=arn:aws:iam::1:role/x")).toThrow("is not a repository like OWNER/NAME");
  });
});

describe("Terraform's environment with a run's own credentials", () => {
  const server = {
    PATH: "/usr/bin",
    AWS_ACCESS_KEY_ID: "AKIASERVER",
    AWS_SECRET_ACCESS_KEY: "server-secret",
    AWS_PROFILE: "admin",
    AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token",
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials",
    AWS_REGION: "eu-central-1",
    AWS_ENDPOINT_URL_S3: "http://127.0.0.1:5000",
  };

  test("without them, the server's AWS variables pass as before", () => {
    expect(terraformChildEnv(server, {})).toMatchObject({ AWS_ACCESS_KEY_ID: "AKIASERVER", AWS_PROFILE: "admin" });
  });

  test("with them, every AWS variable that can give an identity is withheld; where and how to call AWS stays", () => {
    const env = terraformChildEnv(server, {}, { AWS_ACCESS_KEY_ID: "ASIASESSION", AWS_SECRET_ACCESS_KEY: "s", AWS_SESSION_TOKEN: "t" });
    expect(Object.keys(env).filter((name) => name.startsWith("AWS_")).sort()).toEqual(["AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]);
    expect(env.AWS_ACCESS_KEY_ID).toBe("ASIASESSION");
  });
});
