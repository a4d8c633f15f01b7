import { describe, expect, it } from 'vitest';
import { runExecution } from '../../src/engine/run-execution.js';
import { LocalExecutor } from '../../src/executors/local-executor.js';
import type { StateStore } from '../../src/state/state-store.js';
import { makeEngine, makePipeline, sh } from './engine-harness.js';

describe('a ledger that cannot be written', () => {
  it('stops the execution: the running task is killed, nothing further starts, and the write error surfaces', async () => {
    await using engine = makeEngine();
    // The real store, failing the write that records `two.b` starting, as a full disk would.
    const store = new Proxy(engine.store, {
      get(target, key) {
        if (key === 'append') {
          return async (request: Parameters<StateStore['append']>[0]) => {
            if (request.events.some((event) => event.type === 'task.started' && event.task === 'two.b')) throw new Error('ENOSPC: no space left on device');
            return target.append(request);
          };
        }
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const pipeline = makePipeline({
      stages: [
        { name: 'one', tasks: [sh('a', 'true')] },
        { name: 'two', tasks: [sh('b', 'sleep 30 & sleep 30; wait')] },
        { name: 'three', tasks: [sh('c', 'touch "$WORK/ran.c"')] },
      ],
    });
    const executor = new LocalExecutor({ killGraceMs: 300 });
    await expect(runExecution(engine.request(pipeline), { store, executorFor: () => executor, pool: engine.pool })).rejects.toThrow('ENOSPC');
    expect(engine.guard.leaked(), 'processes left running').toEqual([]);
    expect(engine.markers('ran.')).toEqual([]);
  });
});
