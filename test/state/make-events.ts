import type { EventBody, LedgerEvent, NewEvent } from '../../src/state/events.js';

const BASE_MS = Date.parse('2024-01-15T10:30:00.000Z');

/** Wall time `seconds` after the fixture's epoch, as the engine stamps it. */
export function at(seconds: number): string {
  return new Date(BASE_MS + seconds * 1000).toISOString();
}

/** An event as the engine hands it to the store, stamped `seconds` after the fixture's epoch. */
export function newEvent(body: EventBody, seconds = 0): NewEvent {
  return { ...body, mono_ns: String(BigInt(seconds * 1000) * 1_000_000n), at: at(seconds) } as NewEvent;
}

/** A stored ledger: the bodies numbered from seq 1, one second apart. */
export function ledger(executionId: string, ...bodies: EventBody[]): LedgerEvent[] {
  return bodies.map((body, index) => ({ seq: index + 1, execution_id: executionId, ...newEvent(body, index) }) as LedgerEvent);
}

export function created(overrides: Partial<Extract<EventBody, { type: 'execution.created' }>> = {}): EventBody {
  return {
    type: 'execution.created',
    pipeline: 'daily_etl',
    pipeline_hash: 'sha256:abc',
    commit_sha: '0123456789abcdef0123456789abcdef01234567',
    trigger: 'cli',
    triggered_by: 'user@example.com',
    trace_id: 'trace-1',
    ds: '2024-01-15',
    priority: 'normal',
    variables: { EXTRACTION_DATE: '2024-01-15' },
    stages: [
      { name: 'extract', tasks: ['orders', 'customers'] },
      { name: 'load', tasks: ['warehouse'] },
    ],
    pipeline_file: 'pipelines/daily_etl.yaml',
    ...overrides,
  };
}

/** A small task event, easy to tell apart in ordering checks. */
export function ready(task: string): EventBody {
  return { type: 'task.ready', task };
}
