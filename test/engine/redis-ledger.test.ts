import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { resumePointFrom } from '../../src/engine/resume-point.js';
import { runExecution } from '../../src/engine/run-execution.js';
import { LocalExecutor } from '../../src/executors/local-executor.js';
import { foldExecution } from '../../src/state/fold.js';
import { openRedisStateStore } from '../../src/state/redis-store.js';
import { makeEngine, makePipeline, ofType, sh } from './engine-harness.js';

describe('the engine on the Redis store', () => {
  it('records a failed run and resumes it to success in the same ledger', async () => {
    await using engine = makeEngine();
    await using store = await openRedisStateStore({ url: inject('redisUrl'), keyPrefix: `engine-test:${randomUUID()}:`, ttlDays: 1 });
    const executor = new LocalExecutor({ killGraceMs: 300 });
    const deps = { store, executorFor: () => executor, pool: engine.pool };
    const pipeline = makePipeline({ stages: [{ name: 'one', tasks: [sh('a', 'echo a >> "$WORK/runs.a"')] }, { name: 'two', tasks: [sh('b', 'test -f "$WORK/fixed"')] }] });
    const first = engine.request(pipeline);
    expect((await runExecution(first, deps)).status).toBe('failed');

    engine.dir.write('fixed', '');
    const point = resumePointFrom(await store.read(first.executionId));
    const again = { ...engine.request(pipeline), executionId: point.executionId, header: point.header, alreadySucceeded: point.alreadySucceeded, previousAttempts: point.previousAttempts, resumed: true };
    expect((await runExecution(again, deps)).status).toBe('succeeded');
    const events = await store.read(first.executionId);
    expect(foldExecution(events).status).toBe('succeeded');
    expect(ofType(events, 'task.started', 'two.b').map((event) => event.attempt)).toEqual([1, 2]);
    expect(engine.markers('runs.')).toEqual(['runs.a']);
    expect(engine.guard.leaked()).toEqual([]);
  });
});
