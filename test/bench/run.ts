// `npm run bench`: runs every benchmark in this process, one after the other, and prints its
// figures. Targets are judged on the ratios, which compare two things measured in the same run.
import { printFigures, type Benchmark } from "./bench-harness.js";
import { controlPlaneBenchmark } from "./control-plane.bench.js";
import { driftSweepBenchmark } from "./drift-sweep.bench.js";
import { inventoryBenchmark } from "./inventory.bench.js";
import { listAtScaleBenchmark } from "./list-at-scale.bench.js";
import { notificationsBenchmark } from "./notifications.bench.js";
import { planBenchmark } from "./plan.bench.js";
import { scaleBenchmark } from "./scale.bench.js";
import { scaleOutBenchmark, scaleOutSweepBenchmark } from "./scale-out.bench.js";
import { startupBenchmark } from "./startup.bench.js";
import { validateBenchmark } from "./validate.bench.js";
import { webhookBenchmark } from "./webhook.bench.js";

const benchmarks: Benchmark[] = [startupBenchmark, validateBenchmark, planBenchmark, webhookBenchmark, driftSweepBenchmark, scaleOutBenchmark, scaleOutSweepBenchmark, controlPlaneBenchmark, listAtScaleBenchmark, notificationsBenchmark, inventoryBenchmark, scaleBenchmark];
const only = process.argv[2];
/** What the issue calls "the scale bench": the sweep at 10,000 environments and the API's list at that size. */
const groups: Record<string, Benchmark[]> = { scale: [scaleBenchmark, listAtScaleBenchmark] };
const picked = !only ? benchmarks : (groups[only] ?? benchmarks.filter((b) => b.name.includes(only)));
if (picked.length === 0) throw new Error(`no benchmark holds "${only}" in its name`);

for (const benchmark of picked) printFigures(benchmark.name, await benchmark.run());
