import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AfterSuccess, BeforeAttempt, HookRunInput, RunHooks } from '../../src/engine/task-lifecycle.js';
import type { EventBody } from '../../src/state/events.js';
import { makeEngine, makePipeline, ofType, seqOf, sh, verdicts } from './engine-harness.js';

let leaked: number[] = [];
afterEach(() => expect(leaked, 'processes left running').toEqual([]));

/** Seams that record what they were called with, in order, and answer as a real implementation would. */
function recordingSeams(options: { failBefore?: string; failAfter?: string } = {}) {
  const calls: string[] = [];
  const hookInputs: HookRunInput[] = [];
  const beforeAttempt: BeforeAttempt = async ({ task, attempt }) => {
    calls.push(`before ${task.id}#${attempt}`);
    return task.id === options.failBefore ? { events: [], failure: 'input artifact `orders.csv` is missing' } : { events: [] };
  };
  const afterSuccess: AfterSuccess = async ({ task, attempt }) => {
    calls.push(`after ${task.id}#${attempt}`);
    const stored: EventBody = { type: 'artifact.stored', task: task.id, path: 'out.csv', artifact_type: 'dataset', sha256: 'a'.repeat(64), size_bytes: 3, uri: 'file:///artifacts/a' };
    if (task.id !== options.failAfter) return { events: [stored] };
    return { events: [stored], failure: { reason: 'validation rule row_count failed', validation: [{ rule: 'row_count', passed: false, measured: { rows: 0 }, message: '0 rows, expected at least 1' }] } };
  };
  const runHooks: RunHooks = async (input) => {
    hookInputs.push(input);
    calls.push(`${input.when}${input.task ? ` ${input.task.id}` : ''}`);
    return input.hooks.map((hook) => ({ type: 'hook.ran' as const, ...(input.task ? { task: input.task.id } : {}), when: input.when, hook_type: hook.type, status: 'sent' as const }));
  };
  return { calls, hookInputs, deps: { beforeAttempt, afterSuccess, runHooks } };
}

const logHook = [{ type: 'log', config: { message: 'hello' } }];

describe('task lifecycle seams and hooks', () => {
  it('calls beforeAttempt, afterSuccess, on_success, post_hooks, then the success notification, in order', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({
      notifications: { on_success: logHook, on_failure: logHook },
      stages: [
        { name: 'a', tasks: [sh('first', 'true', { on_success: logHook, post_hooks: logHook, on_failure: logHook })] },
        { name: 'b', tasks: [sh('second', 'true')] },
      ],
    });
    const seams = recordingSeams();
    const { outcome, events } = await engine.run(engine.request(pipeline, { commitSha: 'c'.repeat(40), ds: '2024-01-15' }), seams.deps);
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    // The second stage waits for the first task's hooks: they are part of finishing it.
    expect(seams.calls).toEqual(['before a.first#1', 'after a.first#1', 'on_success a.first', 'post_hooks a.first', 'before b.second#1', 'after b.second#1', 'notifications.on_success']);
    expect(seqOf(events, 'artifact.stored', 'a.first')).toBeLessThan(seqOf(events, 'task.succeeded', 'a.first'));
    const finished = (events.at(-1) as { type: string; seq: number });
    expect(finished.type).toBe('execution.finished');
    expect(ofType(events, 'hook.ran').every((event) => event.seq < finished.seq)).toBe(true);
    expect(ofType(events, 'hook.ran')).toHaveLength(3);
    const summary = seams.hookInputs.find((input) => input.when === 'on_success')?.summary;
    expect(summary).toEqual({ pipeline: 'engine_test', execution_id: outcome.executionId, status: 'succeeded', task: 'a.first', attempt: 1, ds: '2024-01-15', commit_sha: 'c'.repeat(40), trace_id: expect.any(String) });
  });

  it('an afterSuccess failure fails the task with its validation outcome, without retry, then runs on_failure and the failure notification', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({
      notifications: { on_success: logHook, on_failure: logHook },
      stages: [{ name: 'a', tasks: [sh('load', 'true', { retry: { max_attempts: 3, initial_delay: '10ms' }, on_failure: logHook, on_success: logHook })] }],
    });
    const seams = recordingSeams({ failAfter: 'a.load' });
    const { outcome, events } = await engine.run(engine.request(pipeline), seams.deps);
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('failed');
    expect(seams.calls).toEqual(['before a.load#1', 'after a.load#1', 'on_failure a.load', 'notifications.on_failure']);
    expect(ofType(events, 'task.failed')).toMatchObject([{ attempt: 1, reason: 'validation rule row_count failed', validation: [{ rule: 'row_count', measured: { rows: 0 } }] }]);
    expect(seams.hookInputs.at(-1)?.summary).toMatchObject({ status: 'failed', reason: 'a task failed' });
  });

  it('a beforeAttempt failure fails the task without spawning it or retrying', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ stages: [{ name: 'a', tasks: [sh('needs_input', 'touch "$WORK/ran.needs_input"', { retry: true })] }] });
    const seams = recordingSeams({ failBefore: 'a.needs_input' });
    const { outcome, events } = await engine.run({ ...engine.request(pipeline), retryDefaults: { initial_delay: '10ms' } }, seams.deps);
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('failed');
    expect(seams.calls).toEqual(['before a.needs_input#1']);
    expect(ofType(events, 'task.started')).toEqual([]);
    expect(ofType(events, 'task.failed')).toMatchObject([{ reason: 'input artifact `orders.csv` is missing' }]);
    expect(existsSync(join(engine.dir.path, 'ran.needs_input'))).toBe(false);
  });

  it('reports declared hooks as unsupported when the execution has no hook runner', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ notifications: { on_success: logHook }, stages: [{ name: 'a', tasks: [sh('t', 'true', { post_hooks: logHook })] }] });
    const { outcome, events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    expect(ofType(events, 'hook.ran').map(({ task, when, status }) => ({ task, when, status }))).toEqual([
      { task: 'a.t', when: 'post_hooks', status: 'unsupported' },
      { task: undefined, when: 'notifications.on_success', status: 'unsupported' },
    ]);
  });

  it('a hook runner that throws becomes a failed hook.ran, not a crashed execution', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ stages: [{ name: 'a', tasks: [sh('t', 'true', { on_success: logHook })] }] });
    const runHooks: RunHooks = async () => {
      throw new Error('webhook transport exploded');
    };
    const { outcome, events } = await engine.run(engine.request(pipeline), { runHooks });
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    expect(ofType(events, 'hook.ran')).toMatchObject([{ task: 'a.t', when: 'on_success', hook_type: 'log', status: 'failed', message: 'webhook transport exploded' }]);
  });

  it('a slow hook does not hold back tasks that do not depend on its task', async () => {
    await using engine = makeEngine();
    let releaseHook!: () => void;
    const hookHeld = new Promise<void>((resolve) => (releaseHook = resolve));
    const pipeline = makePipeline({
      config: { parallel: true },
      stages: [{ name: 's', tasks: [
        sh('hooked', 'true', { on_success: logHook }),
        sh('waits', 'true', { dependencies: ['hooked'] }),
        sh('other', 'sleep 0.05', {}),
        sh('other_next', 'true', { dependencies: ['other'] }),
      ] }],
    });
    const runHooks: RunHooks = async () => {
      await hookHeld;
      return [];
    };
    const onEvents = (batch: readonly { type: string; task?: string }[]) => {
      for (const event of batch) {
        if (event.type === 'task.succeeded' && event.task === 's.other_next') releaseHook();
      }
    };
    const { outcome, events } = await engine.run(engine.request(pipeline), { runHooks, onEvents });
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    expect(seqOf(events, 'task.succeeded', 's.other_next')).toBeLessThan(seqOf(events, 'task.started', 's.waits'));
    expect(verdicts(events)['s.waits']).toBe('succeeded');
  });
});
