// Starts the test files that take longest first, so that no long file starts last and runs alone
// while the other workers sit idle. jest's own sequencer does this from the durations of an
// earlier run; on a fresh clone (CI) it has none and falls back to file size, which put the
// aws-provider tests, a few hundred lines each, near the end. Without durations, a file's weight
// here is its size times what it starts: real Terraform providers on moto, processes, browsers.
import { readFileSync } from "node:fs";
import jestSequencer from "@jest/test-sequencer";

const Sequencer = jestSequencer.default ?? jestSequencer;

/** What a file starts, with how much heavier it makes it than its size alone says. */
const REAL_PARTS = [
  [/startMoto\(/, 20], // the hashicorp/aws provider: seconds of CPU per Terraform command
  [/startAppProcess\(|runEnvbotProcess|execFile|npx /, 6], // whole envbot processes
  [/startPostgres\(|startRabbitMq\(|launchBrowser\(/, 4], // servers and Chromium of their own
  [/createAppHarness\(|createEngineSandbox\(/, 2], // real terraform with terraform_data
];

function weight(path) {
  const text = readFileSync(path, "utf8");
  const factor = REAL_PARTS.reduce((most, [pattern, times]) => (pattern.test(text) ? Math.max(most, times) : most), 1);
  return text.length * factor;
}

export default class HeavyFirstSequencer extends Sequencer {
  sort(tests) {
    // With every file's duration known (a second run here), jest's order is the better guess.
    if (tests.every((test) => this.time(test) !== undefined)) return super.sort(tests);
    const weights = new Map(tests.map((test) => [test.path, weight(test.path)]));
    return [...tests].sort((a, b) => weights.get(b.path) - weights.get(a.path));
  }
}
