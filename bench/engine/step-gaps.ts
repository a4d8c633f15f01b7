import type { LedgerEvent } from '../../src/state/events.js';
import { percentile } from '../measure.js';

/** p50 and p99 of one kind of gap between consecutive steps of a chain, in milliseconds. */
export interface GapStats {
  p50Ms: number;
  p99Ms: number;
  count: number;
}

export interface ChainGaps {
  /** `task.exited` of step i to `task.started` of step i+1, from the ledger's `mono_ns`. */
  exitedToStarted: GapStats;
  /** The executor's result settling for step i (before `task.exited` is stamped) to step i+1's `task.started`. */
  resultToStarted?: GapStats;
  /** `task.started` to `task.started`: a whole step, process included. */
  startedToStarted: GapStats;
  /** Time inside the executor's synchronous `start()` of each step (the spawn call), which the gaps above include. */
  startCall?: GapStats;
  /** exited→started minus the next step's `start()` call: what the engine and the store add per step. */
  engineOnly?: GapStats;
}

/**
 * Reads a chain's step-to-step gaps out of its ledger. Tasks are taken in the order they
 * started, which in a chain is the order of the chain.
 */
export function chainGaps(events: readonly LedgerEvent[], timings: { resultAt?: ReadonlyMap<string, bigint>; startCallMs?: ReadonlyMap<string, number> } = {}): ChainGaps {
  const { resultAt, startCallMs } = timings;
  const started = new Map<string, bigint>();
  const exited = new Map<string, bigint>();
  const order: string[] = [];
  for (const event of events) {
    if (event.type === 'task.started') {
      started.set(event.task, BigInt(event.mono_ns));
      order.push(event.task);
    } else if (event.type === 'task.exited') {
      exited.set(event.task, BigInt(event.mono_ns));
    }
  }
  const gaps = (from: (task: string) => bigint | undefined, to: (task: string) => bigint | undefined): GapStats => {
    const values: number[] = [];
    for (let index = 0; index + 1 < order.length; index++) {
      const a = from(order[index] as string);
      const b = to(order[index + 1] as string);
      if (a !== undefined && b !== undefined) values.push(Number(b - a) / 1e6);
    }
    return statsOf(values);
  };
  const startedAt = (task: string) => started.get(task);
  const engineOnly: number[] = [];
  for (let index = 0; index + 1 < order.length && startCallMs; index++) {
    const from = exited.get(order[index] as string);
    const to = started.get(order[index + 1] as string);
    const call = startCallMs.get(order[index + 1] as string);
    if (from !== undefined && to !== undefined && call !== undefined) engineOnly.push(Number(to - from) / 1e6 - call);
  }
  return {
    exitedToStarted: gaps((task) => exited.get(task), startedAt),
    ...(resultAt && resultAt.size > 0 ? { resultToStarted: gaps((task) => resultAt.get(task), startedAt) } : {}),
    startedToStarted: gaps(startedAt, startedAt),
    ...(startCallMs && startCallMs.size > 0 ? { startCall: statsOf([...startCallMs.values()]), engineOnly: statsOf(engineOnly) } : {}),
  };
}

function statsOf(values: readonly number[]): GapStats {
  return { p50Ms: percentile(values, 50), p99Ms: percentile(values, 99), count: values.length };
}
