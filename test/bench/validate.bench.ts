import { parse } from "yaml";
import type { RepoFiles } from "../../src/core/ports/index.js";
import { createAjv } from "../../src/core/validation/create-ajv.js";
import { validateEnvironments, type DefinitionDocument } from "../../src/core/validation/index.js";
import { environmentSchema } from "../../src/generated/schemas.js";
import { medianMs, type Benchmark } from "./bench-harness.js";

const COUNT = 1000;
const encoder = new TextEncoder();

const template = `apiVersion: envbot.dev/v1
kind: Template
name: sandbox
description: bench
variables:
  type: object
  properties:
    greeting: { type: string, maxLength: 200, default: hello }
    replicas: { type: integer, minimum: 1, maximum: 10, default: 1 }
`;

/** A valid definition of the sandbox template, a little different for each `i`. */
export function definition(i: number): string {
  return `apiVersion: envbot.dev/v1
kind: Environment
metadata:
  name: env-${i}
  owner: "@acme/team-${i % 7}"
  description: Benchmark environment number ${i}
  labels: { cost-center: "${4000 + i}", tier: preview }
spec:
  template: sandbox
  ttl: ${(i % 72) + 1}h
  variables:
    greeting: hello ${i}
    replicas: ${(i % 10) + 1}
`;
}

const repo: RepoFiles = {
  async readFile(path) {
    if (path !== "templates/sandbox/template.yaml") return undefined;
    const bytes = encoder.encode(template);
    return { size: bytes.length, bytes };
  },
  async listDirectory(path) {
    return path === "templates" ? ["sandbox"] : undefined;
  },
};

/** Validating 1,000 definitions, against the floor of YAML parsing plus one ajv pass. */
export const validateBenchmark: Benchmark = {
  name: `validate ${COUNT} environment definitions`,
  async run() {
    const texts = Array.from({ length: COUNT }, (_, i) => definition(i));
    const documents: DefinitionDocument[] = texts.map((text, i) => {
      const bytes = encoder.encode(text);
      return { file: `environments/env-${i}.yaml`, content: { size: bytes.length, bytes } };
    });
    const validateSchema = createAjv().compile(environmentSchema);
    const decoder = new TextDecoder();

    const envbot = await medianMs(async () => {
      const report = await validateEnvironments({ repo, documents, now: new Date() });
      if (report.diagnostics.length > 0 || report.environments.length !== COUNT) throw new Error("bench input must be valid");
    });
    const baseline = await medianMs(() => {
      for (const d of documents) if (!validateSchema(parse(decoder.decode(d.content.bytes)))) throw new Error("invalid");
    });
    return [
      { name: "envbot validate (all checks, positions)", value: envbot, unit: "ms" },
      { name: "baseline: yaml.parse + ajv schema only", value: baseline, unit: "ms" },
      { name: "ratio envbot / baseline", value: envbot / baseline, unit: "x" },
      { name: "per definition", value: (envbot / COUNT) * 1000, unit: "µs" },
    ];
  },
};
