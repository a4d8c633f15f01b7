import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventWriter, MAX_EVENTS_PER_APPEND } from '../../src/engine/event-writer.js';
import type { EventBody } from '../../src/state/events.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('EventWriter', () => {
  it('writes a burst larger than one append allows as capped appends, in order, all durable', async () => {
    using dir = makeTempDir();
    await using store = new FileStateStore({ directory: dir.path });
    const id = randomUUID();
    const sizes: number[] = [];
    const writer = new EventWriter(store, id, (events) => sizes.push(events.length));
    const total = 2 * MAX_EVENTS_PER_APPEND + 123;
    for (let index = 0; index < total; index++) writer.emit({ type: 'task.ready', task: `stage.task_${index}` });
    // Raised while the burst is being written: it goes after the whole burst, not inside it.
    await Promise.resolve();
    await Promise.resolve();
    writer.emit({ type: 'task.ready', task: 'stage.late' });
    await writer.flush();

    expect(sizes.slice(0, 3)).toEqual([MAX_EVENTS_PER_APPEND, MAX_EVENTS_PER_APPEND, 123]);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(total + 1);
    const read = await store.read(id);
    expect(read.map((event) => event.seq)).toEqual(Array.from({ length: total + 1 }, (_, index) => index + 1));
    expect(read.map((event) => (event as { task: string }).task)).toEqual([...Array.from({ length: total }, (_, index) => `stage.task_${index}`), 'stage.late']);
  });

  it('stamps every event with a wall time that follows its monotonic clock, and never reuses an earlier event', async () => {
    using dir = makeTempDir();
    await using store = new FileStateStore({ directory: dir.path });
    const id = randomUUID();
    const writer = new EventWriter(store, id);
    const before = Date.now();
    const shared: EventBody = { type: 'task.ready', task: 'stage.again' };
    const first = writer.emit(shared);
    // Into a later millisecond, so the second stamp cannot share the first one's string.
    while (process.hrtime.bigint() - BigInt(first.mono_ns) < 5_000_000n) await new Promise((resolve) => setTimeout(resolve, 1));
    const second = writer.emit(shared);
    const frozen = writer.emit(Object.freeze({ type: 'task.ready', task: 'stage.frozen' }) as EventBody);
    await writer.flush();

    const read = await store.read(id);
    expect(read.map((event) => [event.seq, event.at, event.mono_ns])).toEqual([
      [1, first.at, first.mono_ns],
      [2, second.at, second.mono_ns],
      [3, frozen.at, frozen.mono_ns],
    ]);
    const monoMs = Number(BigInt(second.mono_ns) - BigInt(first.mono_ns)) / 1e6;
    expect(Math.abs(Date.parse(second.at) - Date.parse(first.at) - monoMs)).toBeLessThanOrEqual(1);
    expect(Date.parse(first.at)).toBeGreaterThanOrEqual(before - 1);
    expect((frozen as { task: string }).task).toBe('stage.frozen');
  });
});
