import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { infracostBreakdown, infracostChildEnv } from "../../../src/adapters/cost/infracost-breakdown.js";
import { infracostPlanPricer } from "../../../src/adapters/cost/infracost-plan-pricer.js";
import { locateInfracost } from "../../../src/adapters/cost/locate-infracost.js";
import { hourlyPrice, type HourlyPrice } from "../../../src/core/planning/index.js";
import { createRedactor } from "../../../src/core/secrets/redactor.js";
import { TerraformCancelledError } from "../../../src/core/terraform/index.js";
import { readSettings, SettingsError } from "../../../src/adapters/server-env/settings.js";
import { fixturePath } from "../../helpers/fixtures.js";

// The fake infracost (a node script) stands in for the real CLI; see its header.
const FAKE_DIR = fixturePath("infracost");
const FAKE = path.join(FAKE_DIR, "infracost");
const noRedaction = createRedactor([]);

/** A plan JSON as `terraform show -json` prints it, reduced to what Infracost reads. */
function planJson(changes: { address: string; type: string; actions?: string[] }[]): string {
  return JSON.stringify({
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: changes.map((c) => ({ address: c.address, mode: "managed", type: c.type, name: c.address.split(".").at(-1), change: { actions: c.actions ?? ["create"] } })),
  });
}

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "envbot-infracost-"));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const serverEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: "/home/envbot", INFRACOST_API_KEY: "ico-test-key", ...extra });
const run = (extra: NodeJS.ProcessEnv = {}, redact = noRedaction) => ({ binary: FAKE, workDir, serverEnv: serverEnv(extra), timeoutMs: 20_000, redact });

describe("finding infracost", () => {
  test("on the server's PATH, unless ENVBOT_INFRACOST is off; nowhere is no error", () => {
    expect(locateInfracost({ PATH: `/nonexistent:relative/dir:${FAKE_DIR}` }, "/")).toEqual({ kind: "found", binary: FAKE });
    expect(locateInfracost({ PATH: `${FAKE_DIR}`, ENVBOT_INFRACOST: "off" }, "/")).toEqual({ kind: "off" });
    expect(locateInfracost({ PATH: "/nonexistent" }, "/")).toEqual({ kind: "absent" });
    expect(locateInfracost({}, "/")).toEqual({ kind: "absent" });
  });

  test("ENVBOT_INFRACOST names the binary: a path (relative to the working directory) or a name on the PATH", () => {
    expect(locateInfracost({ ENVBOT_INFRACOST: FAKE }, "/")).toEqual({ kind: "found", binary: FAKE });
    expect(locateInfracost({ ENVBOT_INFRACOST: "./infracost" }, FAKE_DIR)).toEqual({ kind: "found", binary: FAKE });
    expect(locateInfracost({ ENVBOT_INFRACOST: "infracost", PATH: FAKE_DIR }, "/")).toEqual({ kind: "found", binary: FAKE });
  });

  test("a binary the operator named that cannot run refuses the start, naming the setting", async () => {
    const notExecutable = path.join(workDir, "infracost");
    await writeFile(notExecutable, "#!/bin/sh\n");
    await chmod(notExecutable, 0o644);
    const env = { ENVBOT_DATA_DIR: workDir, PATH: FAKE_DIR };
    expect(() => readSettings({ ...env, ENVBOT_INFRACOST: notExecutable })).toThrow(
      new SettingsError(`ENVBOT_INFRACOST: '${notExecutable}' is not an executable file (give the path of the infracost binary, or off)`),
    );
    expect(() => readSettings({ ...env, ENVBOT_INFRACOST: "/opt/nothing/infracost" })).toThrow(SettingsError);
    expect(() => readSettings({ ...env, ENVBOT_INFRACOST: workDir })).toThrow("is not an executable file"); // a directory
    expect(() => readSettings({ ...env, ENVBOT_INFRACOST: "infracost-nowhere" })).toThrow("ENVBOT_INFRACOST: 'infracost-nowhere' is not on the PATH (give the path of the infracost binary, or off)");
    expect(() => readSettings({ ...env, ENVBOT_INFRACOST_TIMEOUT: "soon" })).toThrow("ENVBOT_INFRACOST_TIMEOUT: 'soon' is not a duration like 30m");
    expect(readSettings(env).infracost).toEqual({ binary: FAKE, timeoutMs: 60_000 });
    expect(readSettings({ ...env, ENVBOT_INFRACOST_TIMEOUT: "2m" }).infracost).toEqual({ binary: FAKE, timeoutMs: 120_000 });
    expect(readSettings({ ...env, ENVBOT_INFRACOST: "off" }).infracost).toBeUndefined();
    expect(readSettings({ ENVBOT_DATA_DIR: workDir, PATH: "/nonexistent" }).infracost).toBeUndefined();
  });
});

describe("infracost breakdown of a plan", () => {
  test("Infracost reads the plan JSON from a file of its own in the working directory, removed afterwards", async () => {
    const json = planJson([
      { address: "module.environment.terraform_data.instance[0]", type: "terraform_data" },
      { address: "module.environment.terraform_data.instance[1]", type: "terraform_data" },
      { address: "module.environment.aws_instance.web", type: "aws_instance" },
      { address: "module.environment.aws_instance.old", type: "aws_instance", actions: ["delete"] },
      { address: "module.environment.aws_iam_role.web", type: "aws_iam_role" }, // not priced by the fake
    ]);
    expect(await infracostBreakdown(json, run())).toEqual({
      ok: true,
      breakdown: {
        hourly: expect.closeTo(0.0662, 10),
        monthly: expect.closeTo(48.326, 10),
        currency: "USD",
        resources: [
          { address: "module.environment.aws_instance.web", hourly: 0.0416 },
          { address: "module.environment.terraform_data.instance[0]", hourly: 0.0123 },
          { address: "module.environment.terraform_data.instance[1]", hourly: 0.0123 },
        ],
      },
    });
    expect(await readdir(workDir)).toEqual([]);
  });

  test("Infracost gets its own settings and PATH and HOME, never cloud credentials or envbot's secrets", () => {
    const env = infracostChildEnv({
      PATH: "/usr/bin",
      HOME: "/home/envbot",
      HTTPS_PROXY: "http://proxy:3128",
      INFRACOST_API_KEY: "ico-1",
      INFRACOST_PRICING_API_ENDPOINT: "https://pricing.internal",
      INFRACOST_CURRENCY: "USD",
      AWS_ACCESS_KEY_ID: "AKIA",
      AWS_SECRET_ACCESS_KEY: "secret",
      PRIVATE_KEY: "pem",
      WEBHOOK_SECRET: "hook",
      ENVBOT_DATABASE_URL: "postgres://u:p@db/envbot",
      TF_VAR_api_token: "t",
      CHECKOUT_API_TOKEN: "c",
    });
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/envbot",
      HTTPS_PROXY: "http://proxy:3128",
      INFRACOST_API_KEY: "ico-1",
      INFRACOST_PRICING_API_ENDPOINT: "https://pricing.internal",
      INFRACOST_CURRENCY: "USD",
      INFRACOST_SKIP_UPDATE_CHECK: "true",
    });
  });

  test("a failing infracost is an outcome with the line that says why, redacted, and leaves no file behind", async () => {
    const json = planJson([{ address: "terraform_data.a", type: "terraform_data" }]);
    expect(await infracostBreakdown(json, run({ INFRACOST_API_KEY: undefined }))).toEqual({ ok: false, reason: "infracost failed: No INFRACOST_API_KEY environment variable is set." });
    // The fake logs a progress line first and echoes the key it refuses.
    const key = "ico-invalid-5ecret";
    expect(await infracostBreakdown(json, run({ INFRACOST_API_KEY: key }, createRedactor([key])))).toEqual({ ok: false, reason: "infracost failed: Invalid API key [redacted]" });
    expect(await infracostBreakdown("{not json", run())).toEqual({ ok: false, reason: expect.stringMatching(/^infracost failed: could not read the Terraform plan JSON .*infracost-plan-.*\.json/) });
    expect(await readdir(workDir)).toEqual([]);
  });

  test("the plan JSON Infracost reads carries no secret the run knows", async () => {
    // A stand-in that keeps a copy of the file it was given (INFRACOST_* reaches it) and prices nothing.
    const copier = path.join(workDir, "copying-infracost");
    const copy = path.join(tmpdir(), `envbot-infracost-copy-${process.pid}.json`);
    await writeFile(copier, `#!/bin/sh\ncp "$3" "$INFRACOST_TEST_COPY"\necho '{"currency":"USD","totalHourlyCost":"0","totalMonthlyCost":"0","projects":[]}'\n`);
    await chmod(copier, 0o755);
    const secret = "db-pa55word-7f3e";
    const json = JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "aws_db_instance.main", type: "aws_db_instance", change: { actions: ["create"], after: { password: secret } } }] });
    try {
      const outcome = await infracostBreakdown(json, { ...run({ INFRACOST_TEST_COPY: copy }, createRedactor([secret])), binary: copier });
      expect(outcome).toMatchObject({ ok: true });
      const seen = await readFile(copy, "utf8");
      expect(seen).toContain("aws_db_instance.main");
      expect(seen).not.toContain(secret);
    } finally {
      await rm(copy, { force: true });
    }
  });

  test("an infracost that is gone, hangs or prints something else is a failure, not an error", async () => {
    const json = planJson([]);
    expect(await infracostBreakdown(json, { ...run(), binary: path.join(workDir, "gone") })).toEqual({ ok: false, reason: `infracost failed: cannot run ${path.join(workDir, "gone")}: it is no longer there` });
    const script = async (name: string, body: string) => {
      const file = path.join(workDir, name);
      await writeFile(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      return file;
    };
    const hangs = await script("hangs", "exec sleep 30");
    expect(await infracostBreakdown(json, { ...run(), binary: hangs, timeoutMs: 300 })).toEqual({ ok: false, reason: "infracost failed: it took longer than 300ms and was stopped (ENVBOT_INFRACOST_TIMEOUT)" });
    // A cancelled run stops Infracost too, and is cancelled as a Terraform step would be.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(infracostBreakdown(json, { ...run(), binary: hangs, signal: controller.signal })).rejects.toThrow(TerraformCancelledError);
    const chatty = await script("chatty", "echo 'Infracost v0.10.41'; echo 'Detected Terraform plan JSON'");
    expect(await infracostBreakdown(json, { ...run(), binary: chatty })).toEqual({ ok: false, reason: "infracost failed: its output is not JSON" });
    const silent = await script("silent", "exit 3");
    expect(await infracostBreakdown(json, { ...run(), binary: silent })).toEqual({ ok: false, reason: "infracost failed: it exited with status 3" });
    const long = await script("long", `echo "Error: ${"x".repeat(500)}" >&2; exit 1`);
    const reason = await infracostBreakdown(json, { ...run(), binary: long });
    expect(reason).toEqual({ ok: false, reason: expect.stringMatching(/^infracost failed: x+…$/) });
    expect(!reason.ok && reason.reason.length).toBe(240);
  });
});

describe("the price a plan is shown at", () => {
  const addresses = ["module.environment.aws_instance.web", "module.environment.aws_s3_bucket.site"];
  const pricer = (extra: NodeJS.ProcessEnv = {}) => infracostPlanPricer({ binary: FAKE, serverEnv: serverEnv(extra), timeoutMs: 20_000 });

  test("Infracost's: its totals and the ten most expensive resources with a price, rounded", async () => {
    const changes = [
      ...Array.from({ length: 12 }, (_, i) => ({ address: `module.environment.terraform_data.instance[${i}]`, type: "terraform_data" })),
      { address: "module.environment.aws_instance.web", type: "aws_instance" },
      { address: "module.environment.aws_lambda_function.hook", type: "aws_lambda_function" }, // usage-based: no price
    ];
    const price = await pricer()({ json: planJson(changes), resourceAddresses: addresses, workDir, redact: noRedaction });
    expect(price).toEqual({
      hourly: 0.1892,
      source: "infracost",
      breakdown: {
        monthly: 138.12,
        resources: [
          { address: "module.environment.aws_instance.web", hourly: 0.0416 },
          ...[0, 1, 10, 11, 2, 3, 4, 5, 6].map((i) => ({ address: `module.environment.terraform_data.instance[${i}]`, hourly: 0.0123 })),
        ],
      },
    });
  });

  test("when Infracost fails, or prices in another currency: the table's estimate, saying why", async () => {
    const json = planJson([{ address: "module.environment.aws_instance.web", type: "aws_instance" }]);
    expect(await pricer({ INFRACOST_API_KEY: "" })({ json, resourceAddresses: addresses, workDir, redact: noRedaction })).toEqual({
      hourly: 0.0124,
      source: "estimate",
      fallback: "infracost failed: No INFRACOST_API_KEY environment variable is set.",
    });
    expect(await pricer({ INFRACOST_CURRENCY: "EUR" })({ json, resourceAddresses: addresses, workDir, redact: noRedaction })).toEqual({
      hourly: 0.0124,
      source: "estimate",
      fallback: "infracost priced in EUR, envbot counts US dollars (unset INFRACOST_CURRENCY)",
    });
  });

  test("a price template.yaml declares wins over Infracost's, and Infracost's over the table's", () => {
    const infracost: HourlyPrice = { hourly: 0.5, source: "infracost", breakdown: { monthly: 365, resources: [{ address: "aws_instance.web", hourly: 0.5 }] } };
    const fallback: HourlyPrice = { hourly: 0.0104, source: "estimate", fallback: "infracost failed: boom" };
    expect(hourlyPrice({ hourlyCost: 0.05 }, addresses, infracost)).toEqual({ hourly: 0.05, source: "template" });
    expect(hourlyPrice({}, addresses, infracost)).toBe(infracost);
    expect(hourlyPrice({}, addresses, fallback)).toBe(fallback);
    expect(hourlyPrice({}, addresses)).toEqual({ hourly: 0.0124, source: "estimate" });
  });
});
