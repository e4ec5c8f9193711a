// Probot 14 is ESM-only, so the whole suite runs as ES modules (see docs/development.md).
// ts-jest only transpiles (isolatedModules in tsconfig.json); `npm test` type-checks once with tsc first.
import { availableParallelism } from "node:os";

export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true }] },
  // The longest files first, also on a fresh clone that has no durations of an earlier run.
  testSequencer: "<rootDir>/test/heavy-first-sequencer.js",
  // Most integration tests wait on other processes (terraform, PostgreSQL, RabbitMQ, Chromium, the
  // App): one more worker than cores keeps the cores busy while they wait (jest's default is one
  // fewer, which on two cores runs every file in turn). ENVBOT_TEST_WORKERS or --maxWorkers override.
  maxWorkers: Number(process.env.ENVBOT_TEST_WORKERS) || availableParallelism() + 1,
  // A guard against a hang, not a budget: a test waits for the events it needs, and on a loaded
  // machine (CI with other work, both cores busy) a process start can take many times its usual time.
  // Files whose tests run Terraform with a real provider or several processes set more.
  testTimeout: 120_000,
};
