// Probot 14 is ESM-only, so the whole suite runs as ES modules (see README "Development").
// ts-jest only transpiles (isolatedModules in tsconfig.json); `npm test` type-checks once with tsc first.
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true }] },
};
