import { afterEach, describe, expect, it } from 'vitest';
import type { HookRunInput } from '../../src/engine/task-lifecycle.js';
import { makeEngine, makePipeline, ofType, sh } from './engine-harness.js';

let leaked: number[] = [];
afterEach(() => expect(leaked, 'processes left running').toEqual([]));

describe('retries in an execution', () => {
  it('runs max_attempts attempts, each delay an event within ±25 % of the exponential step', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({
      notifications: { on_retry: [{ type: 'log', config: { message: 'retrying' } }] },
      stages: [{ name: 's', tasks: [sh('flaky', 'echo x >> "$WORK/tries"; exit 1', { retry: { max_attempts: 4, initial_delay: '20ms', max_delay: '1m' } })] }],
    });
    const retried: HookRunInput[] = [];
    const { outcome, events } = await engine.run(engine.request(pipeline), { random: Math.random, runHooks: async (input) => (retried.push(input), []) });
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('failed');
    expect(ofType(events, 'task.started').map((event) => event.attempt)).toEqual([1, 2, 3, 4]);
    const delays = ofType(events, 'task.retrying').map((event) => event.delay_ms);
    expect(delays).toHaveLength(3);
    delays.forEach((delay, index) => {
      const step = 20 * 2 ** index;
      expect(delay).toBeGreaterThanOrEqual(Math.floor(step * 0.75));
      expect(delay).toBeLessThanOrEqual(Math.ceil(step * 1.25));
    });
    expect(ofType(events, 'task.failed')).toMatchObject([{ task: 's.flaky', attempt: 4, reason: 'exit code 1' }]);
    expect(retried.filter((input) => input.when === 'notifications.on_retry').map((input) => input.summary.attempt)).toEqual([1, 2, 3]);
  });

  it('succeeds on a later attempt and stops retrying', async () => {
    await using engine = makeEngine();
    const command = 'if [ -f "$WORK/second" ]; then exit 0; fi; touch "$WORK/second"; exit 1';
    const pipeline = makePipeline({ stages: [{ name: 's', tasks: [sh('once', command, { retry: { max_attempts: 5, initial_delay: '10ms' } })] }] });
    const { outcome, events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    expect(ofType(events, 'task.started')).toHaveLength(2);
    expect(ofType(events, 'task.succeeded')).toMatchObject([{ attempt: 2 }]);
  });

  it('does not retry a listed exit code, nor a task with retry: false', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({
      config: { parallel: true, retry_policy: { max_attempts: 3, initial_delay: '10ms', non_retryable_exit_codes: [64] } },
      stages: [{ name: 's', tasks: [sh('usage', 'exit 64', { retry: true }), sh('never', 'exit 1', { retry: false }), sh('policy', 'exit 1', { retry: true })] }],
    });
    const { events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(ofType(events, 'task.started', 's.usage')).toHaveLength(1);
    expect(ofType(events, 'task.failed', 's.usage')).toMatchObject([{ reason: 'exit code 64 is listed as not retryable' }]);
    expect(ofType(events, 'task.started', 's.never')).toHaveLength(1);
    expect(ofType(events, 'task.started', 's.policy')).toHaveLength(3);
  });

  it('uses the configuration defaults when the pipeline says nothing', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ stages: [{ name: 's', tasks: [{ name: 'plain', type: 'shell', command: 'exit 1' }] }] });
    const { events } = await engine.run({ ...engine.request(pipeline), retryDefaults: { max_attempts: 2, initial_delay: '10ms' } });
    leaked = engine.guard.leaked();
    expect(ofType(events, 'task.started', 's.plain')).toHaveLength(2);
  });
});
