import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TerminalError, TransientError, UsageError } from '../../src/errors.js';
import { ConflictError } from '../../src/state/errors.js';
import type { LedgerEvent, NewEvent } from '../../src/state/events.js';
import type { ExecutionSummary, StateStore } from '../../src/state/state-store.js';
import { countResources, expectNoLeaks, type ResourceCounts } from './leak-guard.js';
import { at, created, newEvent, ready } from './make-events.js';

/** One backend's data (a directory, a key prefix) that several store instances can open. */
export interface Backend extends AsyncDisposable {
  /** Another store instance on the same data; disposed with the backend if the test does not. */
  open(): Promise<StateStore>;
}

/** What `read` must return for events appended from `firstSeq` on. */
function stored(executionId: string, events: readonly NewEvent[], firstSeq = 1): LedgerEvent[] {
  return events.map((event, index) => ({ ...event, seq: firstSeq + index, execution_id: executionId }) as LedgerEvent);
}

function readies(prefix: string, count: number, seconds = 0): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(ready(`${prefix}.${index}`), seconds));
}

/** Pulls `count` events from a watch; the test's timeout bounds the wait. */
async function take(iterator: AsyncIterator<LedgerEvent>, count: number): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  while (events.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    events.push(next.value);
  }
  return events;
}

/**
 * The contract every `StateStore` keeps, run against each implementation with a factory for
 * fresh, isolated backends (a temp directory, a unique key prefix).
 */
export function describeStoreConformance(name: string, makeBackend: () => Promise<Backend>): void {
  describe(`${name} state store conformance`, () => {
    let backend: Backend;
    let store: StateStore;
    let resources: ResourceCounts;

    beforeEach(async () => {
      resources = countResources();
      backend = await makeBackend();
      store = await backend.open();
    });

    afterEach(async () => {
      await backend[Symbol.asyncDispose]();
      await expectNoLeaks(resources);
    });

    describe('append and read', () => {
      it('numbers events from 1 in append order and reads them back exactly', async () => {
        const id = randomUUID();
        const first = [newEvent(created(), 0), newEvent(ready('extract.orders'), 1)];
        const second = [newEvent({ type: 'task.started', task: 'extract.orders', attempt: 1, pid: 42, idempotency_key: `${id}:extract.orders:1` }, 2)];
        expect(await store.append({ executionId: id, events: first })).toEqual({ lastSeq: 2 });
        expect(await store.append({ executionId: id, events: second })).toEqual({ lastSeq: 3 });
        expect(await store.read(id)).toEqual(stored(id, [...first, ...second]));
      });

      it('reads only the events after `afterSeq`', async () => {
        const id = randomUUID();
        const events = readies('t', 5);
        await store.append({ executionId: id, events });
        expect(await store.read(id, { afterSeq: 3 })).toEqual(stored(id, events.slice(3), 4));
        expect(await store.read(id, { afterSeq: 5 })).toEqual([]);
      });

      it('reads an execution it never saw as empty', async () => {
        expect(await store.read(randomUUID())).toEqual([]);
      });

      it('keeps unicode, quotes, newlines and nested values intact', async () => {
        const id = randomUUID();
        const events = [newEvent(created({ variables: { NAME: 'Zoë "quoted"\nline two', CITY: '東京 🚀', EMPTY: '' } }))];
        await store.append({ executionId: id, events });
        expect(await store.read(id)).toEqual(stored(id, events));
      });

      it('returns the last seq for an empty append and writes nothing', async () => {
        const id = randomUUID();
        await store.append({ executionId: id, events: readies('t', 2) });
        expect(await store.append({ executionId: id, events: [] })).toEqual({ lastSeq: 2 });
        expect(await store.read(id)).toHaveLength(2);
      });

      it('refuses an execution id that could escape its directory or key', async () => {
        await expect(store.append({ executionId: '../escape', events: readies('t', 1) })).rejects.toBeInstanceOf(UsageError);
        await expect(store.read('a/b')).rejects.toBeInstanceOf(UsageError);
      });

      it('reads back a 5,000-event ledger intact', async () => {
        const id = randomUUID();
        const all: NewEvent[] = [];
        for (let batch = 0; batch < 100; batch++) {
          const events = Array.from({ length: 50 }, (_, index) =>
            newEvent({ type: 'task.exited', task: `stage.task_${batch}_${index}`, attempt: 1, exit_code: index % 3, signal: null, timed_out: false, duration_ms: batch * index, resource_usage: { cpu_seconds: index / 7, memory_mb_peak: batch } }, batch),
          );
          await store.append({ executionId: id, events });
          all.push(...events);
        }
        const read = await store.read(id);
        expect(read).toHaveLength(5_000);
        expect(read).toEqual(stored(id, all));
        expect(await store.read(id, { afterSeq: 4_990 })).toEqual(stored(id, all.slice(4_990), 4_991));
      });

      it('takes 150,000 events in one append and reads every one back in order', async () => {
        const id = randomUUID();
        const events = Array.from({ length: 150_000 }, (_, index) =>
          newEvent({ type: 'task.exited', task: `stage.task_${index}`, attempt: 1 + (index % 3), exit_code: index % 2, signal: null, timed_out: false, duration_ms: index, resource_usage: { cpu_seconds: index / 1000, memory_mb_peak: index % 512 } }, Math.floor(index / 1000)),
        );
        expect(await store.append({ executionId: id, events })).toEqual({ lastSeq: 150_000 });
        const read = await store.read(id);
        expect(read).toHaveLength(150_000);
        expect(read).toEqual(stored(id, events));
        expect(await store.read(id, { afterSeq: 149_998 })).toEqual(stored(id, events.slice(149_998), 149_999));
      }, 60_000);
    });

    describe('compare-and-set', () => {
      it('appends on the expected seq and refuses any other with a terminal ConflictError', async () => {
        const id = randomUUID();
        expect(await store.append({ executionId: id, events: readies('a', 1), expectedSeq: 0 })).toEqual({ lastSeq: 1 });
        const error = await store.append({ executionId: id, events: readies('b', 1), expectedSeq: 0 }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConflictError);
        expect(error).toBeInstanceOf(TerminalError);
        expect(error).not.toBeInstanceOf(TransientError);
        expect(error).toMatchObject({ executionId: id, expectedSeq: 0, actualSeq: 1 });
        expect((error as Error).message).toContain('re-read the ledger');
        expect(await store.read(id)).toHaveLength(1);
        await expect(store.append({ executionId: id, events: [], expectedSeq: 5 })).rejects.toBeInstanceOf(ConflictError);
      });

      it('lets exactly one of two instances win the same expected seq', async () => {
        const other = await backend.open();
        const id = randomUUID();
        await store.append({ executionId: id, events: readies('start', 1) });
        for (let round = 0; round < 10; round++) {
          const results = await Promise.allSettled([
            store.append({ executionId: id, events: readies(`a${round}`, 2), expectedSeq: 1 + round * 2 }),
            other.append({ executionId: id, events: readies(`b${round}`, 2), expectedSeq: 1 + round * 2 }),
          ]);
          expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
          const rejected = results.find((result) => result.status === 'rejected');
          expect(rejected?.reason).toBeInstanceOf(ConflictError);
        }
        expect(await store.read(id)).toHaveLength(21);
      });
    });

    it('never interleaves the events of one append with another instance’s', async () => {
      const other = await backend.open();
      const id = randomUUID();
      const write = (writer: StateStore, name: string) =>
        (async () => {
          for (let batch = 0; batch < 40; batch++) {
            await writer.append({ executionId: id, events: Array.from({ length: 3 }, (_, index) => newEvent(ready(`${name}/${batch}/${index}`))) });
          }
        })();
      await Promise.all([write(store, 'a'), write(other, 'b'), write(store, 'c')]);
      const events = await store.read(id);
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 360 }, (_, index) => index + 1));
      for (let start = 0; start < events.length; start += 3) {
        const names = events.slice(start, start + 3).map((event) => (event as { task: string }).task);
        const [writer, batch] = (names[0] as string).split('/');
        expect(names).toEqual([0, 1, 2].map((index) => `${writer}/${batch}/${index}`));
      }
    });

    describe('list', () => {
      /** Seven executions, one a second: pipelines a/b alternate; some finish. */
      async function seed(): Promise<ExecutionSummary[]> {
        const summaries: ExecutionSummary[] = [];
        const finals = ['succeeded', 'failed', undefined, 'succeeded', 'cancelled', undefined, 'failed'] as const;
        for (let index = 0; index < 7; index++) {
          const id = `exec-${index}-${randomUUID()}`;
          const pipeline = index % 2 === 0 ? 'a' : 'b';
          const events: NewEvent[] = [newEvent(created({ pipeline, commit_sha: index === 3 ? undefined : `sha${index}` }), index * 10)];
          const final = finals[index];
          if (final) events.push(newEvent({ type: 'execution.finished', status: final }, index * 10 + 5));
          // Creation and finish in separate appends, as the engine writes them.
          for (const event of events) await store.append({ executionId: id, events: [event] });
          summaries.push({
            execution_id: id,
            pipeline,
            status: final ?? 'running',
            created_at: at(index * 10),
            ...(final ? { finished_at: at(index * 10 + 5) } : {}),
            ...(index === 3 ? {} : { commit_sha: `sha${index}` }),
            trigger: 'cli',
          });
        }
        return summaries.reverse();
      }

      it('lists newest first with every summary field', async () => {
        const all = await seed();
        expect(await store.list({})).toEqual({ executions: all });
      });

      it('filters by pipeline, status and since, together', async () => {
        const all = await seed();
        expect((await store.list({ pipeline: 'a' })).executions).toEqual(all.filter((s) => s.pipeline === 'a'));
        expect((await store.list({ status: ['failed'] })).executions).toEqual(all.filter((s) => s.status === 'failed'));
        expect((await store.list({ status: ['running', 'cancelled'] })).executions).toEqual(all.filter((s) => s.status === 'running' || s.status === 'cancelled'));
        expect((await store.list({ since: new Date(at(30)) })).executions).toEqual(all.filter((s) => s.created_at >= at(30)));
        expect((await store.list({ pipeline: 'b', status: ['succeeded', 'running'], since: new Date(at(15)) })).executions).toEqual(
          all.filter((s) => s.pipeline === 'b' && (s.status === 'succeeded' || s.status === 'running') && s.created_at >= at(15)),
        );
        expect((await store.list({ pipeline: 'nope' })).executions).toEqual([]);
      });

      it('pages with a cursor until the last page, which has none', async () => {
        const all = await seed();
        for (const request of [{}, { pipeline: 'a' }, { status: ['succeeded', 'failed'] as const }]) {
          const seen: ExecutionSummary[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await store.list({ ...request, status: request.status ? [...request.status] : undefined, limit: 2, cursor });
            expect(page.executions.length).toBeLessThanOrEqual(2);
            seen.push(...page.executions);
            cursor = page.nextCursor;
            pages++;
          } while (cursor !== undefined && pages < 10);
          expect(seen).toEqual((await store.list({ ...request, status: request.status ? [...request.status] : undefined })).executions);
        }
        expect(all).toHaveLength(7);
      });

      it('shows a status set by state.overridden', async () => {
        const id = randomUUID();
        await store.append({ executionId: id, events: [newEvent(created())] });
        await store.append({ executionId: id, events: [newEvent({ type: 'state.overridden', status: 'failed', message: 'Manual failover', by: 'ops' }, 1)] });
        expect((await store.list({ status: ['failed'] })).executions.map((s) => s.execution_id)).toEqual([id]);
        expect((await store.list({ status: ['running'] })).executions).toEqual([]);
      });

      it('refuses a bad limit or cursor with the fix in the message', async () => {
        await expect(store.list({ limit: 0 })).rejects.toThrow(UsageError);
        await expect(store.list({ cursor: 'not-a-cursor' })).rejects.toThrow(/nextCursor/);
      });
    });

    describe('watch', () => {
      it('delivers events appended from now on, in order, until the signal aborts', async () => {
        const id = randomUUID();
        await store.append({ executionId: id, events: readies('before', 2) });
        const controller = new AbortController();
        const iterator = store.watch({ signal: controller.signal })[Symbol.asyncIterator]();
        const pending = take(iterator, 5);
        const events = [...readies('after', 3), ...readies('more', 2)];
        await store.append({ executionId: id, events: events.slice(0, 3) });
        await store.append({ executionId: id, events: events.slice(3) });
        expect(await pending).toEqual(stored(id, events, 3));
        controller.abort();
        expect(await iterator.next()).toEqual({ value: undefined, done: true });
      });

      it('follows one execution only when asked', async () => {
        const id = randomUUID();
        const controller = new AbortController();
        const iterator = store.watch({ executionId: id, signal: controller.signal })[Symbol.asyncIterator]();
        const pending = take(iterator, 2);
        await store.append({ executionId: randomUUID(), events: readies('other', 2) });
        const mine = readies('mine', 2);
        await store.append({ executionId: id, events: mine });
        expect(await pending).toEqual(stored(id, mine));
        controller.abort();
      });

      it('sees what another instance appends', async () => {
        const other = await backend.open();
        const id = randomUUID();
        const controller = new AbortController();
        const iterator = store.watch({ executionId: id, signal: controller.signal })[Symbol.asyncIterator]();
        const first = iterator.next();
        // The other instance cannot know when this watch is listening: append until it hears.
        let appended = 0;
        let heard: IteratorResult<LedgerEvent> | undefined;
        void first.then((result) => (heard = result));
        while (heard === undefined && appended < 500) {
          await other.append({ executionId: id, events: [newEvent(ready(`t.${appended++}`))] });
          await sleep(20);
        }
        const got = [(await first).value as LedgerEvent, ...(await take(iterator, appended - ((await first).value as LedgerEvent).seq))];
        expect(got.map((event) => event.seq)).toEqual(Array.from({ length: got.length }, (_, index) => (got[0] as LedgerEvent).seq + index));
        expect((got.at(-1) as LedgerEvent).seq).toBe(appended);
        controller.abort();
      });

      it('ends at once for an aborted signal, and when the consumer breaks', async () => {
        const aborted = AbortSignal.abort();
        for await (const _event of store.watch({ signal: aborted })) expect.unreachable();
        const controller = new AbortController();
        const id = randomUUID();
        const watching = (async () => {
          for await (const event of store.watch({ executionId: id, signal: controller.signal })) return event;
          return undefined;
        })();
        await store.append({ executionId: id, events: readies('x', 1) });
        expect((await watching)?.seq).toBe(1);
      });
    });

    it('removes one execution’s ledger and listing, leaving the others', async () => {
      const gone = randomUUID();
      const kept = randomUUID();
      for (const id of [gone, kept]) await store.append({ executionId: id, events: [newEvent(created()), newEvent(ready('extract.orders'))] });
      await store.remove(gone);
      expect(await store.read(gone)).toEqual([]);
      expect(await store.read(kept)).toHaveLength(2);
      expect((await store.list({})).executions.map((s) => s.execution_id)).toEqual([kept]);
      await store.remove(gone);
      // A removed id starts a fresh ledger.
      expect(await store.append({ executionId: gone, events: readies('again', 1) })).toEqual({ lastSeq: 1 });
    });

    describe('leases', () => {
      it('is exclusive, renewable by its owner, and released by its owner only', async () => {
        const other = await backend.open();
        const name = `scheduler:${randomUUID()}`;
        const lease = await store.acquireLease({ name, owner: 'replica-a', ttlMs: 60_000 });
        expect(lease).toMatchObject({ name, owner: 'replica-a' });
        expect(lease?.expiresAt.getTime()).toBeGreaterThan(Date.now());
        expect(await other.acquireLease({ name, owner: 'replica-b', ttlMs: 60_000 })).toBeUndefined();
        const renewed = await store.acquireLease({ name, owner: 'replica-a', ttlMs: 120_000 });
        expect(renewed?.expiresAt.getTime()).toBeGreaterThan(lease?.expiresAt.getTime() as number);
        await other.releaseLease({ name, owner: 'replica-b' });
        expect(await other.acquireLease({ name, owner: 'replica-b', ttlMs: 60_000 })).toBeUndefined();
        await store.releaseLease({ name, owner: 'replica-a' });
        expect(await other.acquireLease({ name, owner: 'replica-b', ttlMs: 60_000 })).toMatchObject({ owner: 'replica-b' });
        expect(await store.acquireLease({ name: `${name}/other`, owner: 'replica-a', ttlMs: 60_000 })).toBeDefined();
      });

      it('can be taken by another owner once it expires', async () => {
        const name = `expiring-${randomUUID()}`;
        expect(await store.acquireLease({ name, owner: 'a', ttlMs: 50 })).toBeDefined();
        let taken;
        for (let tries = 0; tries < 200 && !taken; tries++) {
          taken = await store.acquireLease({ name, owner: 'b', ttlMs: 60_000 });
          if (!taken) await sleep(10);
        }
        expect(taken).toMatchObject({ owner: 'b' });
      });
    });

    it('refuses use after dispose', async () => {
      const other = await backend.open();
      await other[Symbol.asyncDispose]();
      await expect(other.read(randomUUID())).rejects.toThrow(/after it was disposed/);
    });
  });
}

