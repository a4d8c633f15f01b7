import { describe, expect, it } from 'vitest';
import { makeRedactor } from '../../src/executors/redact.js';
import { redactEvent } from '../../src/engine/launch-redaction.js';
import type { NewEvent } from '../../src/state/events.js';

const redact = makeRedactor(['hunter2']);
const stamps = { mono_ns: '1', at: '2026-01-01T00:00:00.000Z' };

describe('redactEvent', () => {
  it.each<{ name: string; event: NewEvent; expected: unknown }>([
    {
      name: 'a top-level string',
      event: { type: 'task.failed', task: 'a.b', attempt: 1, reason: 'login with hunter2 refused', ...stamps },
      expected: { reason: 'login with [redacted] refused', attempt: 1 },
    },
    {
      name: 'strings inside a list of objects',
      event: { type: 'task.failed', task: 'a.b', attempt: 2, reason: 'rule failed', validation: [{ rule: 'row_count', passed: false, measured: { rows: 0 }, message: 'saw hunter2' }], ...stamps },
      expected: { reason: 'rule failed', validation: [{ rule: 'row_count', passed: false, measured: { rows: 0 }, message: 'saw [redacted]' }] },
    },
  ])('masks $name, leaving the event given as it was', ({ event, expected }) => {
    const before = structuredClone(event);
    expect(redactEvent(event, redact)).toMatchObject(expected as object);
    expect(event).toEqual(before);
  });

  it('gives back an event without a secret unchanged', () => {
    const event: NewEvent = { type: 'task.exited', task: 'a.b', attempt: 1, exit_code: 0, signal: null, timed_out: false, duration_ms: 3, resource_usage: { cpu_seconds: 0.01, memory_mb_peak: 2 }, ...stamps };
    expect(redactEvent(event, redact)).toEqual(structuredClone(event));
  });
});
