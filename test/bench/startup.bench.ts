import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pairedMedians, timeProcess, type BenchFigure, type Benchmark } from "./bench-harness.js";
import { definition } from "./validate.bench.js";

const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const RUNS = 11;

/**
 * The CLI as a pre-commit hook or a script feels it: whole processes, against the start-up of
 * Node itself (`node -e ''`), their floor. `--version` at most 1.2x it, `validate` of the starter
 * repository at most 2x; 1 and 1,000 definitions show what validation adds per definition.
 */
export const startupBenchmark: Benchmark = {
  name: "CLI start-up, whole processes, against node -e ''",
  async run() {
    const root = await mkdtemp(path.join(tmpdir(), "envbot-bench-startup-"));
    try {
      const starter = path.join(root, "starter");
      await cp(path.join(projectRoot, "environments-template"), starter, { recursive: true });
      const one = path.join(root, "one");
      const many = path.join(root, "many");
      for (const [dir, count] of [[one, 1], [many, 1000]] as const) {
        await cp(path.join(projectRoot, "environments-template"), dir, { recursive: true });
        await rm(path.join(dir, "environments", "sandbox.yaml"));
        for (let i = 0; i < count; i++) await writeFile(path.join(dir, "environments", `env-${i}.yaml`), definition(i));
      }
      const env = { ...process.env, NO_COLOR: "1" };
      const node = () => timeProcess(process.execPath, ["-e", ""], { env });
      const envbot = (cwd: string, ...args: string[]) => () => timeProcess(process.execPath, [path.join(projectRoot, "bin", "envbot.js"), ...args], { cwd, env });

      const version = await pairedMedians(envbot(root, "--version"), node, { runs: RUNS });
      const validateStarter = await pairedMedians(envbot(starter, "validate"), node, { runs: RUNS });
      const validateOne = await pairedMedians(envbot(one, "validate"), node, { runs: RUNS });
      const validateMany = await pairedMedians(envbot(many, "validate"), node, { runs: 5 });
      return [
        { name: "node -e '' (median)", value: version.b, unit: "ms" },
        { name: "envbot --version", value: version.a, unit: "ms", note: "target < 200 ms" },
        { name: "envbot --version / node", value: version.ratio, unit: "x", note: "target <= 1.2" },
        { name: "envbot validate, starter repository", value: validateStarter.a, unit: "ms", note: "1 definition, 2 templates; target < 400 ms" },
        { name: "envbot validate, starter repository / node", value: validateStarter.ratio, unit: "x", note: "target <= 2" },
        { name: "envbot validate, 1 definition / node", value: validateOne.ratio, unit: "x" },
        { name: "envbot validate, 1,000 definitions", value: validateMany.a, unit: "ms" },
        { name: "envbot validate, 1,000 definitions / node", value: validateMany.ratio, unit: "x" },
        { name: "per definition, whole process", value: ((validateMany.a - validateOne.a) / 999) * 1000, unit: "µs" },
      ] satisfies BenchFigure[];
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
