import { afterEach, describe, expect, it } from 'vitest';
import { makeEngine, makePipeline, ofType, sh, verdicts } from './engine-harness.js';

let leaked: number[] = [];
afterEach(() => expect(leaked, 'processes left running').toEqual([]));

/** Leaves a grandchild behind unless the whole process group is killed. */
const TREE = 'sleep 30 & sleep 30; wait';

describe('timeouts and cancellation', () => {
  it('a task timeout kills its whole process tree and fails the task', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ stages: [{ name: 's', tasks: [sh('stuck', TREE, { timeout: '300ms' })] }, { name: 't', tasks: [sh('after', 'true')] }] });
    const { outcome, events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('failed');
    expect(ofType(events, 'task.exited', 's.stuck')).toMatchObject([{ timed_out: true }]);
    expect(ofType(events, 'task.failed', 's.stuck')).toMatchObject([{ reason: 'timed out' }]);
    expect(verdicts(events)['t.after']).toBe('skipped');
  });

  it('the execution timeout ends it failed with reason timeout, killing what runs and cancelling what waits', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({
      config: { parallel: true, max_concurrent: 1 },
      stages: [{ name: 's', tasks: [sh('long', TREE), sh('queued', 'touch "$WORK/ran.queued"'), sh('later', 'true', { dependencies: ['long'] })] }],
    });
    const { outcome, events } = await engine.run({ ...engine.request(pipeline), timeoutSeconds: 0.3 });
    leaked = engine.guard.leaked();
    expect(outcome).toEqual({ executionId: expect.any(String), status: 'failed', reason: 'timeout' });
    expect(verdicts(events)).toEqual({ 's.long': 'cancelled', 's.queued': 'cancelled', 's.later': 'cancelled' });
    expect(events.at(-1)).toMatchObject({ type: 'execution.finished', status: 'failed', reason: 'timeout' });
    expect(engine.markers('ran.')).toEqual([]);
  });

  it('config.timeout is not a per-task timeout: it bounds the execution through the request', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ config: { timeout: '100ms' }, stages: [{ name: 's', tasks: [sh('slower', 'sleep 0.3')] }] });
    const { outcome, events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    expect(ofType(events, 'task.exited', 's.slower')).toMatchObject([{ timed_out: false, exit_code: 0 }]);
  });

  it('an aborted signal ends the execution cancelled with every running child killed', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ config: { parallel: true }, stages: [{ name: 's', tasks: [sh('a', TREE), sh('b', TREE), sh('c', 'true', { dependencies: ['a'] })] }] });
    const controller = new AbortController();
    let started = 0;
    const onEvents = (batch: readonly { type: string }[]) => {
      started += batch.filter((event) => event.type === 'task.started').length;
      if (started === 2) controller.abort();
    };
    const { outcome, events } = await engine.run(engine.request(pipeline), { onEvents }, controller.signal);
    leaked = engine.guard.leaked();
    expect(outcome).toMatchObject({ status: 'cancelled', reason: 'cancelled by signal' });
    expect(verdicts(events)).toEqual({ 's.a': 'cancelled', 's.b': 'cancelled', 's.c': 'cancelled' });
  });

  it('a signal aborted before the start runs nothing', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ stages: [{ name: 's', tasks: [sh('a', 'touch "$WORK/ran.a"')] }] });
    const { outcome, events } = await engine.run(engine.request(pipeline), {}, AbortSignal.abort());
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('cancelled');
    expect(ofType(events, 'task.started')).toEqual([]);
    expect(engine.markers('ran.')).toEqual([]);
  });

  it('a retry waiting for its delay is cancelled at once', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ stages: [{ name: 's', tasks: [sh('flaky', 'exit 1', { retry: { max_attempts: 3, initial_delay: '1h' } })] }] });
    const controller = new AbortController();
    const onEvents = (batch: readonly { type: string }[]) => {
      if (batch.some((event) => event.type === 'task.retrying')) controller.abort();
    };
    const { outcome, events } = await engine.run(engine.request(pipeline), { onEvents }, controller.signal);
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('cancelled');
    expect(ofType(events, 'task.started')).toHaveLength(1);
    expect(verdicts(events)).toEqual({ 's.flaky': 'cancelled' });
  });
});
