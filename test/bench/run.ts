// `npm run bench`: runs every benchmark in this process, one after the other, and prints its
// figures. Targets are judged on the ratios, which compare two things measured in the same run.
import { printFigures, type Benchmark } from "./bench-harness.js";
import { controlPlaneBenchmark } from "./control-plane.bench.js";
import { driftSweepBenchmark } from "./drift-sweep.bench.js";
import { inventoryBenchmark } from "./inventory.bench.js";
import { listAtScaleBenchmark } from "./list-at-scale.bench.js";
import { notificationsBenchmark } from "./notifications.bench.js";
import { planBenchmark } from "./plan.bench.js";
import { scaleOutBenchmark, scaleOutSweepBenchmark } from "./scale-out.bench.js";
import { startupBenchmark } from "./startup.bench.js";
import { validateBenchmark } from "./validate.bench.js";
import { webhookBenchmark } from "./webhook.bench.js";

const benchmarks: Benchmark[] = [startupBenchmark, validateBenchmark, planBenchmark, webhookBenchmark, driftSweepBenchmark, scaleOutBenchmark, scaleOutSweepBenchmark, controlPlaneBenchmark, listAtScaleBenchmark, notificationsBenchmark, inventoryBenchmark];
const only = process.argv[2];

for (const benchmark of benchmarks) {
  if (only && !benchmark.name.includes(only)) continue;
  printFigures(benchmark.name, await benchmark.run());
}
