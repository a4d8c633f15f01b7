import { foldExecution } from '../../state/fold.js';
import type { StateStore } from '../../state/state-store.js';

export interface DurationEstimate {
  /** Median duration of the pipeline's recent succeeded executions. */
  seconds: number;
  /** How many executions it is the median of. */
  runs: number;
}

/** How many recent successes the estimate looks at: enough to smooth one slow day, few enough to read fast. */
const RECENT_RUNS = 5;

/** The estimate `--dry-run` prints, from this pipeline's history in the store; undefined without history. */
export async function estimateDuration(store: StateStore, pipeline: string): Promise<DurationEstimate | undefined> {
  const page = await store.list({ pipeline, status: ['succeeded'], limit: RECENT_RUNS });
  const durations: number[] = [];
  for (const summary of page.executions) {
    const state = foldExecution(await store.read(summary.execution_id));
    if (state.status === 'succeeded' && state.duration_seconds !== null) durations.push(state.duration_seconds);
  }
  if (durations.length === 0) return undefined;
  durations.sort((a, b) => a - b);
  const middle = Math.floor(durations.length / 2);
  const seconds = durations.length % 2 === 1 ? (durations[middle] as number) : ((durations[middle - 1] as number) + (durations[middle] as number)) / 2;
  return { seconds, runs: durations.length };
}
