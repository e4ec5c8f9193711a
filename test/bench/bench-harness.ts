import { spawn } from "node:child_process";
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
  return median(times);
}

export function printFigures(benchmark: string, figures: BenchFigure[]): void {
  console.log(`\n${benchmark}`);
  for (const f of figures) {
    const value = f.unit === "x" ? f.value.toFixed(2) : f.value.toFixed(f.value < 10 ? 2 : 0);
    console.log(`  ${f.name.padEnd(48)} ${value.padStart(9)} ${f.unit}${f.note ? `   (${f.note})` : ""}`);
  }
}

/** Wall time in milliseconds of one whole process, from spawn to exit; throws unless it exits 0 (or `okCodes`). */
export function timeProcess(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; okCodes?: number[] } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if ((options.okCodes ?? [0]).includes(code ?? -1)) resolve(ms);
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`));
    });
  });
}

/**
 * A and B run in turn (A B A B ...) after a warm-up of each, so a machine that speeds up or
 * slows down during the run moves both alike; the ratio is the median of the pairs' ratios.
 */
export async function pairedMedians(a: () => Promise<number>, b: () => Promise<number>, { runs = 7, warmup = 1 } = {}): Promise<{ a: number; b: number; ratio: number }> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const x = await a();
    const y = await b();
    as.push(x);
    bs.push(y);
    ratios.push(x / y);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}
