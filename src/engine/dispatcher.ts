import type { ResourceAmount, ResourcePool } from './resource-pool.js';

export type ExecutionPriority = 'low' | 'normal' | 'high' | 'critical';

/** `--priority` as a number: larger runs first. */
export const PRIORITY_RANK: Readonly<Record<ExecutionPriority, number>> = { low: 0, normal: 1, high: 2, critical: 3 };

/** What one execution shows the dispatcher: the head of its own ready queue. */
export interface DispatchSource {
  /** The execution's `--priority` rank; compared before anything else. */
  readonly rank: number;
  /**
   * Remaining path length of the best task this source could start now, or -1 when it has
   * none (empty queue, at its own `max_concurrent`, or stopping).
   */
  headPathLength(): number;
  /** Resource request of that task. */
  headAmount(): ResourceAmount;
  /** Takes the head task off the queue and starts it; its amount is already acquired. */
  startHead(): void;
}

/**
 * Hands capacity of one pool to the best waiting task of every execution that shares it:
 * highest `--priority` first, then longest remaining path, then the execution that registered
 * first. Each execution keeps its own incremental ready queue; a pass only looks at the head of
 * each, so its cost grows with the number of executions in the process, never with their tasks.
 * The best task waits for room rather than letting smaller ones overtake it, so a large
 * request on a busy pool cannot starve.
 */
export class Dispatcher {
  private readonly sources: DispatchSource[] = [];
  private dispatching = false;
  private again = false;

  constructor(readonly pool: ResourcePool) {}

  /** Adds an execution's queue; returns the function that removes it. */
  register(source: DispatchSource): () => void {
    this.sources.push(source);
    return () => {
      const index = this.sources.indexOf(source);
      if (index >= 0) this.sources.splice(index, 1);
      this.dispatch();
    };
  }

  /** Gives capacity back and lets waiting tasks (of any execution) take it. */
  release(amount: ResourceAmount): void {
    this.pool.release(amount);
    this.dispatch();
  }

  /** Starts tasks while the best one fits. Re-entrant calls (a start that ends at once) fold into the running pass. */
  dispatch(): void {
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.again = false;
        while (this.startBest());
      } while (this.again);
    } finally {
      this.dispatching = false;
    }
  }

  private startBest(): boolean {
    const sources = this.sources;
    let best: DispatchSource | undefined;
    let bestLength = -1;
    if (sources.length === 1) {
      best = sources[0] as DispatchSource;
      bestLength = best.headPathLength();
    } else {
      for (const source of sources) {
        const length = source.headPathLength();
        if (length < 0) continue;
        if (best === undefined || source.rank > best.rank || (source.rank === best.rank && length > bestLength)) {
          best = source;
          bestLength = length;
        }
      }
    }
    if (best === undefined || bestLength < 0) return false;
    if (!this.pool.tryAcquire(best.headAmount())) return false;
    best.startHead();
    return true;
  }
}

const shared = new WeakMap<ResourcePool, Dispatcher>();

/** The one dispatcher of a pool: executions given the same pool compete through it by priority. */
export function dispatcherFor(pool: ResourcePool): Dispatcher {
  let dispatcher = shared.get(pool);
  if (!dispatcher) {
    dispatcher = new Dispatcher(pool);
    shared.set(pool, dispatcher);
  }
  return dispatcher;
}
