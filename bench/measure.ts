import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Timing helpers shared by every suite: warm-up runs, then the median of the timed ones. */

export interface Timing {
  /** Median of the timed runs, in milliseconds. */
  median: number;
  samples: number[];
}

setFlagsFromString('--expose-gc');
/** A full collection before each timed run, so one run's garbage is not billed to the next. */
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Times several runs of the same input in interleaved rounds, each round starting one further
 * along (a b c, b c a, c a b, …): a slow spell of the machine, or the heap one run leaves to
 * the next, weighs on all of them alike instead of on whichever ran then or second.
 */
export async function measureRounds<K extends string>(runs: Record<K, () => unknown>, options: { warmup: number; repeats: number }): Promise<Record<K, Timing>> {
  const names = Object.keys(runs) as K[];
  for (let round = 0; round < options.warmup; round++) for (const name of names) await runs[name]();
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < options.repeats; round++) {
    for (const name of names.map((_, index) => names[(index + round) % names.length] as K)) {
      collectGarbage();
      const start = performance.now();
      await runs[name]();
      samples[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(names.map((name) => [name, { median: median(samples[name]), samples: samples[name] }])) as Record<K, Timing>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Least-squares slope of log(time) against log(size): 1.0 is linear growth, 2.0 quadratic. */
export function logLogSlope(points: readonly { size: number; ms: number }[]): number {
  const xs = points.map((point) => Math.log(point.size));
  const ys = points.map((point) => Math.log(point.ms));
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  let covariance = 0;
  let variance = 0;
  xs.forEach((x, index) => {
    covariance += (x - meanX) * ((ys[index] as number) - meanY);
    variance += (x - meanX) ** 2;
  });
  return covariance / variance;
}

/** Nearest-rank percentile (p in 0–100) of unsorted values: p50 and p99 of the engine's step gaps. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
