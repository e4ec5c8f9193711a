import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit, type ApplicationFunction, type Options } from "probot";
import { recordRequestBudget } from "../../../src/adapters/github/request-budget.js";

export const TEST_APP_ID = 123456;
export const TEST_WEBHOOK_SECRET = "test-webhook-secret";

/** A real RSA key, generated once per test file: Probot signs its app JWT with it. */
export const TEST_PRIVATE_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
}).privateKey;

/**
 * Retries and throttling off, forced per instance. A plain `ProbotOctokit.defaults({ throttle:
 * { enabled: false } })` is undone: Probot constructs its Octokit with its own `throttle` object,
 * which replaces ours, and ProbotOctokit then defaults `enabled` back to true. Throttled, every
 * issue-comment POST after the first in a test file waits ~3 s (plugin-throttling's notifications
 * bucket, shared by all instances of the process).
 */
const TestOctokit = ProbotOctokit.plugin(recordRequestBudget() as never).defaults((options: { retry?: object; throttle?: object }) => ({
  ...options,
  retry: { ...options.retry, enabled: false },
  throttle: { ...options.throttle, enabled: false },
}));

/**
 * A Probot instance with `appFn` loaded, as the app runs in production but without retries and
 * throttling (a test must fail on the first wrong answer, not wait for a retry). Each instance
 * caches its installation token: a fresh instance asks for one again (see mockInstallationToken).
 * `overrides`, for example `{ logLevel: "fatal" }` where a test provokes errors Probot would log.
 */
export async function createTestProbot(appFn: ApplicationFunction, overrides: Options = {}): Promise<Probot> {
  const probot = new Probot({
    appId: TEST_APP_ID,
    privateKey: TEST_PRIVATE_KEY,
    secret: TEST_WEBHOOK_SECRET,
    Octokit: TestOctokit,
    logLevel: "warn",
    ...overrides,
  });
  await probot.load(appFn);
  return probot;
}
