import { readFile } from "node:fs/promises";
import path from "node:path";
import { localRepoFiles } from "../../../src/adapters/local/local-repo-files.js";
import { readRepositoryConfig, validateEnvironments } from "../../../src/core/validation/index.js";
import { fixturePath, NOW, projectRoot, textDocument } from "../../helpers/fixtures.js";
import { memoryRepo } from "../../helpers/memory-repo.js";
import type { RepoFiles } from "../../../src/core/ports/index.js";


const sandboxTemplate = `apiVersion: envbot.dev/v1
kind: Template
name: sandbox
description: test
variables:
  type: object
  properties:
    greeting: { type: string, default: hello }
`;

const definition = (name: string, extra = "") => `apiVersion: envbot.dev/v1
kind: Environment
metadata:
  name: ${name}
  owner: "@octo"
spec:
  template: sandbox
${extra}`;

describe("validating a repository", () => {
  test("the starter environments repository validates clean", async () => {
    const report = await validateEnvironments({
      repo: localRepoFiles(path.join(projectRoot, "environments-template")),
      allTemplates: true,
      now: NOW,
    });
    expect(report.diagnostics).toEqual([]);
    expect(report.environments.map((e) => e.name)).toEqual(["sandbox"]);
    expect(report.checkedFiles).toBe(1);
  });

  test("a valid definition becomes an Environment with its template, lifetime and defaults", async () => {
    const report = await validateEnvironments({ repo: localRepoFiles(fixturePath("repos", "basic")), now: NOW });
    const good = report.environments.find((e) => e.name === "good");
    expect(good).toMatchObject({
      file: "environments/good.yaml",
      owner: "@acme/payments",
      lifetime: { kind: "expiresAt", at: new Date("2026-11-28T00:00:00Z") },
      protected: false,
      variables: { region: "eu-central-1" },
      secrets: { api_token: { fromEnv: "GOOD_API_TOKEN" } },
    });
    expect(good?.template).toMatchObject({ name: "with-secret", directory: "templates/with-secret", variables: { defaults: { size: 1 }, required: ["region"] } });
  });

  test("checking the whole repository also checks templates no definition uses", async () => {
    const report = await validateEnvironments({ repo: localRepoFiles(fixturePath("repos", "basic")), allTemplates: true, now: NOW });
    expect(report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual(["templates/broken/template.yaml:10:7"]);
  });

  test("two definitions with the same name are reported, the second one pointing at the first", async () => {
    const repo = memoryRepo({ "templates/sandbox/template.yaml": sandboxTemplate });
    const report = await validateEnvironments({
      repo,
      documents: [textDocument("environments/preview.yaml", definition("preview")), textDocument("drafts/preview.yaml", definition("preview"))],
      now: NOW,
    });
    expect(report.diagnostics).toEqual([
      { file: "drafts/preview.yaml", line: 4, column: 9, path: "metadata.name", message: "'preview' is already the name of environments/preview.yaml; names are unique in a repository" },
    ]);
  });

  test("a file whose base name cannot be a name is to be renamed to a valid one, never asked for as the name", async () => {
    const repo = memoryRepo({ "templates/sandbox/template.yaml": sandboxTemplate, "environments/Bad_Name.yaml": definition("bad-name"), "environments/Other_One.yml": definition("other") });
    const report = await validateEnvironments({ repo, now: NOW });
    expect(report.diagnostics.map((d) => `${d.file}: ${d.message}`)).toEqual([
      "environments/Bad_Name.yaml: 'bad-name' must equal the file's base name, and 'Bad_Name' is not a valid name: rename the file to bad-name.yaml",
      "environments/Other_One.yml: 'other' must equal the file's base name, and 'Other_One' is not a valid name: rename the file to other-one.yml (and the name to 'other-one'), or to other.yml",
    ]);
  });

  test("a .yml file in environments/ is a definition like a .yaml one", async () => {
    const repo = memoryRepo({
      "templates/sandbox/template.yaml": sandboxTemplate,
      "environments/a1.yaml": definition("a1"),
      "environments/b1.yml": definition("b1"),
      "environments/README.md": "not a definition",
    });
    const report = await validateEnvironments({ repo, now: NOW });
    expect(report.diagnostics).toEqual([]);
    expect(report.environments.map((e) => e.file)).toEqual(["environments/a1.yaml", "environments/b1.yml"]);
    expect(report.checkedFiles).toBe(2);
  });

  test("one environment in two files (hij.yaml and hij.yml) is an error at both, whole repository or one file", async () => {
    const repo = memoryRepo({
      "templates/sandbox/template.yaml": sandboxTemplate,
      "environments/hij.yaml": definition("hij", "  protected: true\n"),
      "environments/hij.yml": definition("hij"),
    });
    const message = "environment 'hij' is defined twice: environments/hij.yaml and environments/hij.yml; keep one";
    const atBoth = [
      { file: "environments/hij.yaml", line: 4, column: 9, path: "metadata.name", message },
      { file: "environments/hij.yml", line: 4, column: 9, path: "metadata.name", message },
    ];
    const whole = await validateEnvironments({ repo, now: NOW });
    expect(whole.diagnostics).toEqual(atBoth);
    expect(whole.environments).toEqual([]);
    // A pull request that adds hij.yml: only that file is a document; the revision holds the other.
    const added = await validateEnvironments({ repo, documents: [textDocument("environments/hij.yml", definition("hij"))], definitions: repo, now: NOW });
    expect(added.diagnostics).toEqual(atBoth);
    expect(added.environments).toEqual([]);
  });

  test("a listed definition that cannot be read is reported, not skipped in silence", async () => {
    const repo = memoryRepo({ "templates/sandbox/template.yaml": sandboxTemplate, "environments/a1.yaml": definition("a1") });
    const listed: RepoFiles = { readFile: repo.readFile, listDirectory: async (dir) => (dir === "environments" ? ["a1.yaml", "link.yaml"] : repo.listDirectory(dir)) };
    const report = await validateEnvironments({ repo: listed, now: NOW });
    expect(report.diagnostics).toEqual([
      { file: "environments/link.yaml", line: 1, column: 1, path: "", message: "cannot be read: it is not a regular file of the repository" },
    ]);
  });

  test("without .github/envbot.yml the default limits apply (maxTtl 720h)", async () => {
    const repo = memoryRepo({ "templates/sandbox/template.yaml": sandboxTemplate });
    const ok = await validateEnvironments({ repo, documents: [textDocument("x1.yaml", definition("x1", "  ttl: 720h\n"))], now: NOW });
    expect(ok.diagnostics).toEqual([]);
    const tooLong = await validateEnvironments({ repo, documents: [textDocument("x1.yaml", definition("x1", "  ttl: 721h\n"))], now: NOW });
    expect(tooLong.diagnostics.map((d) => d.message)).toEqual(["'721h' is longer than the maximum ttl of 720h set in .github/envbot.yml"]);
  });

  test("an invalid .github/envbot.yml is reported and the defaults are used meanwhile", async () => {
    const repo = memoryRepo({
      ".github/envbot.yml": "version: 1\nstate:\n  backend: s3\nlimits:\n  maxTtl: 1 week\n  maxDestroys: 3\n",
      "templates/sandbox/template.yaml": sandboxTemplate,
    });
    const report = await validateEnvironments({ repo, documents: [textDocument("x1.yaml", definition("x1", "  ttl: 72h\n"))], now: NOW });
    expect(report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.path}: ${d.message}`)).toEqual([
      ".github/envbot.yml:2:1 state.s3: required, but missing",
      ".github/envbot.yml:5:11 limits.maxTtl: '1 week' is not a duration like 72h (a whole number followed by m, h or d)",
      ".github/envbot.yml:6:3 limits.maxDestroys: unknown key; did you mean 'maxDestroysPerSweep'?",
    ]);
    expect(report.config.limits.maxTtl).toBe("720h");
  });

  test("limits.defaultTtl is given to an unprotected definition that names no lifetime; a protected one stays long-lived", async () => {
    const repo = memoryRepo({ ".github/envbot.yml": "version: 1\nlimits:\n  defaultTtl: 72h\n", "templates/sandbox/template.yaml": sandboxTemplate });
    const report = await validateEnvironments({
      repo,
      documents: [textDocument("a1.yaml", definition("a1")), textDocument("a2.yaml", definition("a2", "  protected: true\n")), textDocument("a3.yaml", definition("a3", "  ttl: 8h\n"))],
      now: NOW,
    });
    expect(report.diagnostics).toEqual([]);
    expect(Object.fromEntries(report.environments.map((e) => [e.name, e.lifetime]))).toEqual({
      a1: { kind: "ttl", text: "72h", ms: 72 * 3600_000, defaulted: true },
      a2: { kind: "unlimited" },
      a3: { kind: "ttl", text: "8h", ms: 8 * 3600_000 },
    });
    const without = await validateEnvironments({ repo: memoryRepo({ "templates/sandbox/template.yaml": sandboxTemplate }), documents: [textDocument("a1.yaml", definition("a1"))], now: NOW });
    expect(without.environments[0]!.lifetime).toEqual({ kind: "unlimited" });
  });

  test("a policy file with mistakes is reported at their lines, and the policy then decides nothing (unreadable)", async () => {
    const repo = memoryRepo({
      ".github/envbot.yml": [
        "version: 1",
        "limits:",
        "  maxTtl: 168h",
        "  defaultTtl: 200h",
        "policy:",
        "  templates:",
        "    rds:",
        "      request: [\"@acme/platform\", \"acme-dba\"]",
        "      approvers: [\"@acme/dba\"]",
        "  environments:",
        "    - name: \"Prod_*\"",
        "  quotas:",
        "    perOwner: 0",
        "",
      ].join("\n"),
      "templates/sandbox/template.yaml": sandboxTemplate,
    });
    const report = await validateEnvironments({ repo, documents: [textDocument("x1.yaml", definition("x1", "  ttl: 72h\n"))], now: NOW });
    expect(report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.path}: ${d.message}`)).toEqual([
      ".github/envbot.yml:8:35 policy.templates.rds.request[1]: 'acme-dba' is not @user, @org/team or owner",
      ".github/envbot.yml:9:7 policy.templates.rds.approvers: unknown key; did you mean 'approve'?",
      ".github/envbot.yml:11:13 policy.environments[0].name: 'Prod_*' is not an environment name pattern (lowercase letters, digits, '-' and '*')",
      ".github/envbot.yml:13:15 policy.quotas.perOwner: 0 is less than the minimum of 1",
    ]);
    expect(report.config.unreadable).toBe(true);
    const semantic = await validateEnvironments({
      repo: memoryRepo({ ".github/envbot.yml": "version: 1\nlimits:\n  maxTtl: 168h\n  defaultTtl: 200h\n", "templates/sandbox/template.yaml": sandboxTemplate }),
      documents: [textDocument("x1.yaml", definition("x1", "  ttl: 72h\n"))],
      now: NOW,
    });
    expect(semantic.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.path}: ${d.message}`)).toEqual([".github/envbot.yml:4:15 limits.defaultTtl: 200h is longer than limits.maxTtl (168h)"]);
    expect(semantic.config.unreadable).toBe(true);
  });

  test("the starter's commented policy, uncommented, is a valid policy with every rule kind", async () => {
    const text = await readFile(path.join(projectRoot, "environments-template", ".github", "envbot.yml"), "utf8");
    const start = text.indexOf("# policy:");
    expect(start).toBeGreaterThan(0);
    const uncommented = text.slice(0, start) + text.slice(start).split("\n").map((line) => line.replace(/^# ?/, "")).join("\n");
    const { config, diagnostics } = await readRepositoryConfig(memoryRepo({ ".github/envbot.yml": uncommented }));
    expect(diagnostics).toEqual([]);
    expect(Object.keys(config.policy).sort()).toEqual(["actions", "environments", "protected", "quotas", "templates"]);
    expect(config.limits.defaultTtl).toBe("72h");
  });

  test("the starter's commented notification routes, uncommented, are valid routes", async () => {
    const text = await readFile(path.join(projectRoot, "environments-template", ".github", "envbot.yml"), "utf8");
    const start = text.indexOf("# notifications:");
    const end = text.indexOf("\n\n", start);
    expect(start).toBeGreaterThan(0);
    const uncommented = text.slice(0, start) + text.slice(start, end).split("\n").map((line) => line.replace(/^# ?/, "")).join("\n") + text.slice(end);
    const { config, diagnostics } = await readRepositoryConfig(memoryRepo({ ".github/envbot.yml": uncommented }));
    expect(diagnostics).toEqual([]);
    expect(config.notifications.routes).toEqual([{ to: ["team-slack"], events: ["failed", "expiry-warned", "drift-found", "policy-blocked"] }, { to: ["audit-hook"] }]);
  });

  test("the starter's commented credentials, uncommented, name a role and a plan role", async () => {
    const text = await readFile(path.join(projectRoot, "environments-template", ".github", "envbot.yml"), "utf8");
    const start = text.indexOf("# credentials:");
    const end = text.indexOf("\n\n", start);
    expect(start).toBeGreaterThan(0);
    const uncommented = text.slice(0, start) + text.slice(start, end).split("\n").map((line) => line.replace(/^# ?/, "")).join("\n") + text.slice(end);
    const { config, diagnostics } = await readRepositoryConfig(memoryRepo({ ".github/envbot.yml": uncommented }));
    expect(diagnostics).toEqual([]);
    expect(config.credentials.aws).toEqual({ role: "arn:aws:iam::123456789012:role/envbot-apply", planRole: "arn:aws:iam::123456789012:role/envbot-plan" });
  });

  test("a role that is no IAM role ARN is reported at its line", async () => {
    const { diagnostics } = await readRepositoryConfig(memoryRepo({ ".github/envbot.yml": "credentials:\n  aws:\n    role: envbot-apply\n" }));
    expect(diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(["3: 'envbot-apply' is not an IAM role ARN like arn:aws:iam::123456789012:role/envbot-apply"]);
  });

  test("a route with a mistake is reported at its line", async () => {
    const { diagnostics } = await readRepositoryConfig(memoryRepo({ ".github/envbot.yml": "notifications:\n  routes:\n    - to: [Team_Slack]\n      events: [deployed]\n" }));
    expect(diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(["3: 'Team_Slack' is not a target name (lowercase letters, digits and -, like team-slack)", expect.stringMatching(/^4: 'deployed' is not an envbot event/)]);
  });

  test("a template whose default breaks its own schema, or that requires an undeclared variable, is reported", async () => {
    const repo = memoryRepo({
      "templates/sandbox/template.yaml": `apiVersion: envbot.dev/v1
kind: Template
name: sandbox
description: test
variables:
  type: object
  properties:
    replicas: { type: integer, minimum: 1, default: 0 }
  required: [replicas, size]
`,
    });
    const report = await validateEnvironments({ repo, documents: [textDocument("x1.yaml", definition("x1"))], now: NOW });
    expect(report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.path}: ${d.message}`)).toEqual([
      "templates/sandbox/template.yaml:8:53 variables.properties.replicas.default: the default 0 does not satisfy the variable's own schema",
      "templates/sandbox/template.yaml:9:24 variables.required[1]: 'size' is required but not declared under variables.properties",
      "x1.yaml:7:13 spec.template: template 'sandbox' is invalid; fix templates/sandbox/template.yaml first",
    ]);
  });
});
