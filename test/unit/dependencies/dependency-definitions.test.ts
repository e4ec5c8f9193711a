import { validateEnvironments } from "../../../src/core/validation/index.js";
import { NOW } from "../../helpers/fixtures.js";
import { memoryRepo } from "../../helpers/memory-repo.js";

// Variables that take another environment's output, as `envbot validate` and the check run
// report them: each mistake at the reference's line, whichever file holds the other end.

const templates = {
  "templates/database/template.yaml": `apiVersion: envbot.dev/v1
kind: Template
name: database
description: test
variables:
  type: object
  properties:
    network_id: { type: string }
outputs:
  url: { description: the connection address }
  port: { description: the port }
`,
  "templates/app/template.yaml": `apiVersion: envbot.dev/v1
kind: Template
name: app
description: test
variables:
  type: object
  required: [db_url]
  properties:
    db_url: { type: string, minLength: 5 }
    replicas: { type: integer, default: 1 }
outputs:
  url: { description: the app }
`,
};

const definition = (name: string, template: string, spec = "") => `apiVersion: envbot.dev/v1
kind: Environment
metadata:
  name: ${name}
  owner: "@octo"
spec:
  template: ${template}
${spec}`;

const takes = (variable: string, environment: string, output: string) => `  variables:\n    ${variable}: { fromEnvironment: ${environment}, output: ${output} }\n`;

async function validate(files: Record<string, string>, options: { only?: string[]; config?: string } = {}) {
  const repo = memoryRepo({ ...templates, ...(options.config && { ".github/envbot.yml": options.config }), ...files });
  const documents = options.only?.map((file) => ({ file, content: { bytes: new TextEncoder().encode(files[file]!), size: files[file]!.length } }));
  const report = await validateEnvironments({ repo, now: NOW, ...(documents && { documents, definitions: repo }) });
  return { report, problems: report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.path}: ${d.message}`) };
}

test("a variable taken from another environment's output is no value of its own: the template's schema and required are satisfied, and the environment lists it as an input", async () => {
  const { report, problems } = await validate({
    "environments/shared-db.yaml": definition("shared-db", "database", "  protected: true\n"),
    "environments/preview.yaml": definition("preview", "app", `  ttl: 24h\n${takes("db_url", "shared-db", "url")}    replicas: 2\n`),
  });
  expect(problems).toEqual([]);
  const preview = report.environments.find((e) => e.name === "preview")!;
  expect(preview.inputs).toEqual({ db_url: { fromEnvironment: "shared-db", output: "url" } });
  expect(preview.variables).toEqual({ replicas: 2 });
});

test("a missing environment, a missing output, its own output and a variable the template does not take are errors at their lines", async () => {
  const { report, problems } = await validate({
    "environments/shared-db.yaml": definition("shared-db", "database"),
    "environments/app-a.yaml": definition("app-a", "app", takes("db_url", "no-such-db", "url")),
    "environments/app-b.yaml": definition("app-b", "app", takes("db_url", "shared-db", "password")),
    "environments/app-c.yaml": definition("app-c", "app", takes("db_url", "app-c", "url")),
    "environments/db-d.yaml": definition("db-d", "database", takes("colour", "shared-db", "url")),
  });
  expect(problems).toEqual([
    "environments/app-a.yaml:9:32 spec.variables.db_url.fromEnvironment: there is no environment 'no-such-db' in this repository (no environments/no-such-db.yaml)",
    "environments/app-b.yaml:9:51 spec.variables.db_url.output: environment 'shared-db' (template 'database') has no output 'password'; it has: url, port",
    "environments/app-c.yaml:9:32 spec.variables.db_url.fromEnvironment: an environment cannot take its own output",
    "environments/db-d.yaml:9:5 spec.variables.colour: template 'database' takes no variable named 'colour'; it takes: network_id",
  ]);
  expect(report.environments.map((e) => e.name)).toEqual(["shared-db"]);
});

test("a cycle is an error at each reference that closes it, through files not being validated too", async () => {
  const files = {
    "environments/net.yaml": definition("net", "database", takes("network_id", "front", "url")),
    "environments/db.yaml": definition("db", "database", takes("network_id", "net", "url")),
    "environments/front.yaml": definition("front", "app", takes("db_url", "db", "url")),
  };
  const whole = await validate(files);
  expect(whole.problems).toEqual([
    "environments/db.yaml:9:36 spec.variables.network_id.fromEnvironment: 'db' -> 'net' -> 'front' -> 'db' is a cycle: environments cannot depend on each other in a loop",
    "environments/front.yaml:9:32 spec.variables.db_url.fromEnvironment: 'front' -> 'db' -> 'net' -> 'front' is a cycle: environments cannot depend on each other in a loop",
    "environments/net.yaml:9:36 spec.variables.network_id.fromEnvironment: 'net' -> 'front' -> 'db' -> 'net' is a cycle: environments cannot depend on each other in a loop",
  ]);
  // A pull request that changes front alone: the loop is still found through the others at its head.
  const pullRequest = await validate(files, { only: ["environments/front.yaml"] });
  expect(pullRequest.problems).toEqual([whole.problems[1]]);
});

test("a protected environment cannot depend on one that expires, also by the repository's default ttl", async () => {
  const files = {
    "environments/scratch-db.yaml": definition("scratch-db", "database", "  ttl: 72h\n"),
    "environments/plain-db.yaml": definition("plain-db", "database"),
    "environments/prod.yaml": definition("prod", "app", `  protected: true\n${takes("db_url", "scratch-db", "url")}`),
    "environments/stage.yaml": definition("stage", "app", `  protected: true\n${takes("db_url", "plain-db", "url")}`),
  };
  expect((await validate(files)).problems).toEqual([
    "environments/prod.yaml:10:32 spec.variables.db_url.fromEnvironment: a protected environment cannot depend on 'scratch-db', which expires (ttl 72h): make 'scratch-db' protected or long-lived",
  ]);
  expect((await validate(files, { config: "version: 1\nlimits:\n  defaultTtl: 48h\n" })).problems).toEqual([
    "environments/prod.yaml:10:32 spec.variables.db_url.fromEnvironment: a protected environment cannot depend on 'scratch-db', which expires (ttl 72h): make 'scratch-db' protected or long-lived",
    "environments/stage.yaml:10:32 spec.variables.db_url.fromEnvironment: a protected environment cannot depend on 'plain-db', which expires (the repository's limits.defaultTtl): make 'plain-db' protected or long-lived",
  ]);
});
