import { describe, expect, it } from 'vitest';
import { estimateDurations, estimatePipelineSeconds } from '../../src/engine/estimate-durations.js';
import type { EventBody, LedgerEvent } from '../../src/state/events.js';
import { foldExecution } from '../../src/state/fold.js';
import { makePipeline } from './engine-harness.js';

const created: EventBody = { type: 'execution.created', pipeline: 'engine_test', pipeline_hash: 'h', trigger: 'cli', triggered_by: 'me', trace_id: 't', ds: '2024-01-15', priority: 'normal', variables: {}, stages: [{ name: 'one', tasks: ['a', 'b'] }, { name: 'two', tasks: ['c'] }], pipeline_file: 'p.yaml' };

/** A folded execution whose tasks ran for the given seconds (`null`: failed), from wall clocks set by hand. */
function pastRun(seconds: Record<string, number | null>) {
  const events: LedgerEvent[] = [];
  const push = (body: EventBody, atSeconds: number) => events.push({ seq: events.length + 1, execution_id: 'e', mono_ns: '0', at: new Date(Date.UTC(2024, 0, 15) + atSeconds * 1000).toISOString(), ...body } as LedgerEvent);
  push(created, 0);
  for (const [task, duration] of Object.entries(seconds)) {
    push({ type: 'task.started', task, attempt: 1, idempotency_key: 'k' }, 10);
    if (duration === null) push({ type: 'task.failed', task, attempt: 1, reason: 'exit code 1' }, 11);
    else push({ type: 'task.succeeded', task, attempt: 1 }, 10 + duration);
  }
  return foldExecution(events);
}

describe('estimateDurations', () => {
  it('takes the median of succeeded runs per task and ignores failures', () => {
    const estimate = estimateDurations([
      pastRun({ 'one.a': 10, 'one.b': 4, 'two.c': null }),
      pastRun({ 'one.a': 30, 'one.b': 6, 'two.c': 2 }),
      pastRun({ 'one.a': 20, 'one.b': null }),
    ]);
    expect(estimate.executions).toBe(3);
    expect(Object.fromEntries(estimate.taskSeconds)).toEqual({ 'one.a': 20, 'one.b': 5, 'two.c': 2 });
  });

  it('estimates a run as the longest path weighted by the estimates, and refuses to guess for unknown tasks', () => {
    const pipeline = makePipeline({ stages: [{ name: 'one', tasks: [{ name: 'a', type: 'noop' }, { name: 'b', type: 'noop' }] }, { name: 'two', tasks: [{ name: 'c', type: 'noop' }] }] });
    expect(estimatePipelineSeconds(pipeline, estimateDurations([pastRun({ 'one.a': 20, 'one.b': 5, 'two.c': 2 })]))).toBe(22);
    expect(estimatePipelineSeconds(pipeline, estimateDurations([pastRun({ 'one.a': 20 })]))).toBeUndefined();
    expect(estimateDurations([])).toEqual({ taskSeconds: new Map(), executions: 0 });
  });
});
