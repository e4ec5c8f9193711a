import { performance } from "node:perf_hooks";

/** One figure of a benchmark: a measured value, or a ratio of two measured in the same run. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchFigure[]>;
}

/** Median wall time in milliseconds of `runs` calls after `warmup` unmeasured ones. */
export async function medianMs(fn: () => unknown, { runs = 7, warmup = 2 } = {}): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function printFigures(benchmark: string, figures: BenchFigure[]): void {
  console.log(`\n${benchmark}`);
  for (const f of figures) {
    const value = f.unit === "x" ? f.value.toFixed(2) : f.value.toFixed(f.value < 10 ? 2 : 0);
    console.log(`  ${f.name.padEnd(48)} ${value.padStart(9)} ${f.unit}${f.note ? `   (${f.note})` : ""}`);
  }
}
