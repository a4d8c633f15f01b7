import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resumePointFrom, type ResumePoint } from '../../src/engine/resume-point.js';
import type { ExecutionRequest } from '../../src/engine/run-execution.js';
import { UsageError } from '../../src/errors.js';
import type { EventBody, LedgerEvent } from '../../src/state/events.js';
import { foldExecution } from '../../src/state/fold.js';
import { makeEngine, makePipeline, ofType, sh, verdicts } from './engine-harness.js';

let leaked: number[] = [];
afterEach(() => expect(leaked, 'processes left running').toEqual([]));

/** Each run appends its attempt number to `runs.<task>`: how many times, and as which attempt, a task really ran. */
const counted = (name: string, extra: Record<string, unknown> = {}, then = 'true') => sh(name, `echo "$ATTEMPT" >> "$WORK/runs.${name}"; ${then}`, extra);

/** What `--resume ID` does: the recorded header, the ledger's verdicts, appending to the same ledger. */
function resumed(request: ExecutionRequest, point: ResumePoint): ExecutionRequest {
  return { ...request, executionId: point.executionId, header: point.header, alreadySucceeded: point.alreadySucceeded, previousAttempts: point.previousAttempts, skip: point.skippedByUser, resumed: true };
}

describe('resume', () => {
  it('continues a dead execution: succeeded tasks stay done, the running one gets a new attempt', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ stages: [{ name: 'one', tasks: [counted('a')] }, { name: 'two', tasks: [counted('b')] }, { name: 'three', tasks: [counted('c')] }] });
    const first = engine.request(pipeline);
    // The ledger a process killed while `two.b` ran leaves behind.
    const stamp = (body: EventBody, index: number) => ({ ...body, mono_ns: String(index), at: new Date().toISOString() }) as never;
    const bodies: EventBody[] = [
      { type: 'execution.created', pipeline: pipeline.name, stages: [{ name: 'one', tasks: ['a'] }, { name: 'two', tasks: ['b'] }, { name: 'three', tasks: ['c'] }], ...first.header },
      { type: 'task.ready', task: 'one.a' },
      { type: 'task.started', task: 'one.a', attempt: 1, idempotency_key: 'k' },
      { type: 'task.exited', task: 'one.a', attempt: 1, exit_code: 0, signal: null, timed_out: false, duration_ms: 1 },
      { type: 'task.succeeded', task: 'one.a', attempt: 1 },
      { type: 'task.ready', task: 'two.b' },
      { type: 'task.started', task: 'two.b', attempt: 1, idempotency_key: 'k' },
    ];
    await engine.store.append({ executionId: first.executionId, events: bodies.map(stamp) });
    const point = resumePointFrom(await engine.store.read(first.executionId));
    expect(point).toMatchObject({ pipelineFile: 'pipeline.yaml', alreadySucceeded: new Set(['one.a']), previousAttempts: new Map([['one.a', 1], ['two.b', 1]]) });
    expect(point.finished).toBeUndefined();

    const { outcome, events } = await engine.run(resumed(engine.request(pipeline), point));
    leaked = engine.guard.leaked();
    expect(outcome).toMatchObject({ executionId: first.executionId, status: 'succeeded' });
    expect(engine.markers('runs.')).toEqual(['runs.b', 'runs.c']);
    expect(readFileSync(join(engine.dir.path, 'runs.b'), 'utf8')).toBe('2\n');
    expect(ofType(events, 'execution.created')).toHaveLength(1);
    expect(foldExecution(events)).toMatchObject({ status: 'succeeded', trace_id: first.header.trace_id });
  });

  it('resumes a finished failed execution: failed tasks run again as new attempts with a fresh retry budget, user skips stay skipped', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({
      stages: [
        { name: 'one', tasks: [counted('a'), counted('skipped')] },
        { name: 'two', tasks: [counted('b', { retry: { max_attempts: 2, initial_delay: '10ms' } }, 'test -f "$WORK/fixed"')] },
        { name: 'three', tasks: [counted('c')] },
      ],
    });
    const first = engine.request(pipeline, { skip: new Set(['skipped']) });
    const failedRun = await engine.run(first);
    expect(failedRun.outcome.status).toBe('failed');
    expect(verdicts(failedRun.events)).toMatchObject({ 'one.a': 'succeeded', 'one.skipped': 'skipped', 'two.b': 'failed', 'three.c': 'skipped' });

    engine.dir.write('fixed', '');
    const point = resumePointFrom(failedRun.events);
    expect(point.finished).toEqual({ status: 'failed', reason: 'a task failed' });
    const { outcome, events } = await engine.run(resumed(engine.request(pipeline), point));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    expect(readFileSync(join(engine.dir.path, 'runs.a'), 'utf8')).toBe('1\n');
    expect(readFileSync(join(engine.dir.path, 'runs.b'), 'utf8')).toBe('1\n2\n3\n');
    expect(engine.markers('runs.')).toEqual(['runs.a', 'runs.b', 'runs.c']);
    expect(ofType(events, 'execution.finished').map((event) => event.status)).toEqual(['failed', 'succeeded']);
    const state = foldExecution(events);
    expect(state.status).toBe('succeeded');
    expect(state.stages.find((stage) => stage.name === 'one')?.tasks.find((task) => task.id === 'skipped')?.status).toBe('skipped');
  });
});

describe('resumePointFrom', () => {
  const envelope = (seq: number) => ({ seq, execution_id: 'e1', mono_ns: String(seq), at: '2024-01-15T00:00:00.000Z' });
  const created: EventBody = { type: 'execution.created', pipeline: 'p', pipeline_hash: 'h', trigger: 'cli', triggered_by: 'me', trace_id: 't', ds: '2024-01-15', priority: 'high', variables: {}, stages: [{ name: 's', tasks: ['x'] }], pipeline_file: 'p.yaml' };
  const ledger = (...bodies: EventBody[]) => bodies.map((body, index) => ({ ...envelope(index + 1), ...body }) as LedgerEvent);

  it('keeps the recorded header without the envelope or layout', () => {
    expect(resumePointFrom(ledger(created)).header).toEqual({ pipeline_hash: 'h', trigger: 'cli', triggered_by: 'me', trace_id: 't', ds: '2024-01-15', priority: 'high', variables: {}, pipeline_file: 'p.yaml' });
  });

  it('follows state set: an overridden success runs again, a declared success or skip is final', () => {
    const point = resumePointFrom(ledger(
      created,
      { type: 'task.succeeded', task: 's.x', attempt: 1 },
      { type: 'state.overridden', task: 's.x', status: 'pending', message: 'rerun', by: 'ops' },
      { type: 'task.failed', task: 's.y', attempt: 2, reason: 'exit code 1' },
      { type: 'state.overridden', task: 's.y', status: 'succeeded', message: 'fixed by hand', by: 'ops' },
      { type: 'task.failed', task: 's.z', attempt: 1, reason: 'exit code 1' },
      { type: 'state.overridden', task: 's.z', status: 'skipped', message: 'not needed today', by: 'ops' },
    ));
    expect(point.skippedByUser).toEqual(new Set(['s.z']));
    expect(point.alreadySucceeded).toEqual(new Set(['s.y']));
    expect(point.previousAttempts).toEqual(new Map([['s.x', 1], ['s.y', 2], ['s.z', 1]]));
  });

  it('a new attempt after a finish reopens the execution', () => {
    const point = resumePointFrom(ledger(created, { type: 'execution.finished', status: 'cancelled', reason: 'cancelled by signal' }, { type: 'task.started', task: 's.x', attempt: 1, idempotency_key: 'k' }));
    expect(point.finished).toBeUndefined();
  });

  it('refuses a ledger without execution.created, naming the execution', () => {
    expect(() => resumePointFrom([], 'abc-123')).toThrow(UsageError);
    expect(() => resumePointFrom([], 'abc-123')).toThrow(/`abc-123` cannot be resumed/);
  });
});
