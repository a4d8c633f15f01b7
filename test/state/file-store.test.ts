import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../src/errors.js';
import { CorruptLedgerError } from '../../src/state/errors.js';
import type { LedgerEvent } from '../../src/state/events.js';
import { FileStateStore } from '../../src/state/file-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { startWriter, transpileState, waitForExit, writeWriterScript } from './child-writer.js';
import { describeStoreConformance, type Backend } from './conformance.js';
import { countResources, expectNoLeaks, type ResourceCounts } from './leak-guard.js';
import { created, newEvent, ready } from './make-events.js';

/** A temp directory; every store opened on it is disposed, then the directory removed. */
export function makeFileBackend(options: { pollIntervalMs?: number } = {}): Backend & { directory: string } {
  const directory = mkdtempSync(join(tmpdir(), 'orchestrate-state-'));
  const stores: StateStore[] = [];
  return {
    directory,
    async open() {
      const store = new FileStateStore({ directory, pollIntervalMs: options.pollIntervalMs ?? 50 });
      stores.push(store);
      return store;
    },
    async [Symbol.asyncDispose]() {
      for (const store of stores.reverse()) await store[Symbol.asyncDispose]();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

describeStoreConformance('file', async () => makeFileBackend());

describe('file state store', () => {
  let resources: ResourceCounts;
  let backend: ReturnType<typeof makeFileBackend>;
  let ledgerPath: (id: string) => string;

  beforeEach(() => {
    resources = countResources();
    backend = makeFileBackend();
    ledgerPath = (id) => join(backend.directory, 'executions', `${id}.ndjson`);
  });

  afterEach(async () => {
    await backend[Symbol.asyncDispose]();
    await expectNoLeaks(resources);
  });

  it('keeps one NDJSON file per execution, one line per event', async () => {
    const store = await backend.open();
    const id = randomUUID();
    await store.append({ executionId: id, events: [newEvent(created()), newEvent(ready('extract.orders'))] });
    const lines = readFileSync(ledgerPath(id), 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1] as string)).toMatchObject({ seq: 2, execution_id: id, type: 'task.ready' });
    // Only the non-final lines of a multi-event append carry the append's last seq.
    expect(JSON.parse(lines[0] as string)).toMatchObject({ seq: 1, batch_end: 2 });
    expect(JSON.parse(lines[1] as string)).not.toHaveProperty('batch_end');
  });

  it('ignores a torn last line on read and cuts it before the next append', async () => {
    const store = await backend.open();
    const id = randomUUID();
    await store.append({ executionId: id, events: [newEvent(ready('a')), newEvent(ready('b'))] });
    appendFileSync(ledgerPath(id), '{"seq":3,"execution_id":"' + id + '","type":"task.re');
    expect((await store.read(id)).map((event) => event.seq)).toEqual([1, 2]);
    // A fresh instance (as after a restart) and the instance that was open both recover.
    const restarted = await backend.open();
    expect(await restarted.append({ executionId: id, events: [newEvent(ready('c'))] })).toEqual({ lastSeq: 3 });
    expect(await store.append({ executionId: id, events: [newEvent(ready('d'))] })).toEqual({ lastSeq: 4 });
    const lines = readFileSync(ledgerPath(id), 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { task: string }).task)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('drops an append torn between its lines as a whole', async () => {
    const store = await backend.open();
    const id = randomUUID();
    await store.append({ executionId: id, events: [newEvent(ready('a'))] });
    // Two whole lines of a three-event append whose last line never made it.
    const torn = [2, 3].map((seq) => JSON.stringify({ seq, execution_id: id, batch_end: 4, type: 'task.ready', task: `lost${seq}` })).join('\n');
    appendFileSync(ledgerPath(id), `${torn}\n{"seq":4,"exec`);
    expect((await store.read(id)).map((event) => event.seq)).toEqual([1]);
    expect(await (await backend.open()).append({ executionId: id, events: [newEvent(ready('b'))] })).toEqual({ lastSeq: 2 });
    expect((await store.read(id)).map((event) => (event as { task: string }).task)).toEqual(['a', 'b']);
  });

  it('returns what was appended since a read, by anyone, through torn tails and a replaced file', async () => {
    const reader = await backend.open();
    const writer = await backend.open();
    const id = randomUUID();
    const tasks = (events: LedgerEvent[]) => events.map((event) => (event as { task?: string }).task);
    await writer.append({ executionId: id, events: [newEvent(ready('a')), newEvent(ready('b'))] });
    expect(tasks(await reader.read(id))).toEqual(['a', 'b']);
    await writer.append({ executionId: id, events: [newEvent(ready('c'))] });
    expect(tasks(await reader.read(id, { afterSeq: 2 }))).toEqual(['c']);
    // A torn append is not there yet; once cut and followed by a whole one, only that one is new.
    appendFileSync(ledgerPath(id), `${JSON.stringify({ seq: 4, execution_id: id, batch_end: 5, type: 'task.ready', task: 'lost' })}\n{"seq":5`);
    expect(await reader.read(id, { afterSeq: 3 })).toEqual([]);
    await writer.append({ executionId: id, events: [newEvent(ready('d'))] });
    expect((await reader.read(id, { afterSeq: 3 })).map((event) => [event.seq, (event as { task?: string }).task])).toEqual([[4, 'd']]);
    expect(tasks(await reader.read(id, { afterSeq: 1 }))).toEqual(['b', 'c', 'd']);
    // A ledger removed and written anew under the same id is read as the new file it is.
    rmSync(ledgerPath(id));
    await writer.append({ executionId: id, events: [newEvent(ready('x')), newEvent(ready('y')), newEvent(ready('z')), newEvent(ready('w')), newEvent(ready('v'))] });
    expect(tasks(await reader.read(id, { afterSeq: 4 }))).toEqual(['v']);
  });

  it('reports damage in the middle instead of hiding what follows it', async () => {
    const store = await backend.open();
    const id = randomUUID();
    await store.append({ executionId: id, events: [newEvent(ready('a')), newEvent(ready('b'))] });
    const [first, second] = readFileSync(ledgerPath(id), 'utf8').trimEnd().split('\n');
    writeFileSync(ledgerPath(id), `${first}\n{not json}\n${second}\n`);
    const error = await store.read(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptLedgerError);
    expect((error as Error).message).toMatch(/damaged at byte \d+.*restore the file/);
  });

  it('breaks a lock left by a dead process and waits for a live owner', async () => {
    const store = new FileStateStore({ directory: backend.directory, lockTimeoutMs: 100 });
    const id = randomUUID();
    const lockPath = join(backend.directory, 'executions', `${id}.lock`);
    const dead = spawn(process.execPath, ['-e', '']);
    await waitForExit(dead);
    writeFileSync(lockPath, `${dead.pid} ${hostname()} gone`);
    expect(await store.append({ executionId: id, events: [newEvent(ready('a'))] })).toEqual({ lastSeq: 1 });
    expect(existsSync(lockPath)).toBe(false);
    writeFileSync(lockPath, `${process.pid} ${hostname()} alive`);
    const error = await store.append({ executionId: id, events: [newEvent(ready('b'))] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain(`held by pid ${process.pid}`);
    rmSync(lockPath);
    expect(await store.append({ executionId: id, events: [newEvent(ready('b'))] })).toEqual({ lastSeq: 2 });
    await store[Symbol.asyncDispose]();
  });

  it('closes idle ledgers beyond the open-file budget and reopens them on demand', async () => {
    const store = new FileStateStore({ directory: backend.directory, maxOpenLedgers: 2 });
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const round of [0, 1]) for (const id of ids) await store.append({ executionId: id, events: [newEvent(ready(`r${round}`))] });
    for (const id of ids) expect((await store.read(id)).map((event) => event.seq)).toEqual([1, 2]);
    await store[Symbol.asyncDispose]();
  });

  it('lists executions even after a torn index line', async () => {
    const store = await backend.open();
    const before = randomUUID();
    await store.append({ executionId: before, events: [newEvent(created(), 0)] });
    appendFileSync(join(backend.directory, 'index.ndjson'), '{"execution_id":"half');
    const after = randomUUID();
    await (await backend.open()).append({ executionId: after, events: [newEvent(created(), 1)] });
    expect((await store.list({})).executions.map((summary) => summary.execution_id)).toEqual([after, before]);
  });

  it('keeps lease names of any characters inside its directory', async () => {
    const store = await backend.open();
    for (const name of ['..', '../../escape', 'a/b:c*?', 'spaced name']) expect(await store.acquireLease({ name, owner: 'me', ttlMs: 60_000 })).toBeDefined();
    expect(readdirSync(join(backend.directory, 'leases')).filter((file) => file.endsWith('.json'))).toHaveLength(4);
    expect(readdirSync(backend.directory).sort()).toEqual(['executions', 'leases']);
  });

  describe('with other processes', () => {
    let build: string;
    let script: string;

    beforeAll(() => {
      build = mkdtempSync(join(tmpdir(), 'orchestrate-state-build-'));
      transpileState(build);
      script = writeWriterScript(build);
    });

    afterAll(() => rmSync(build, { recursive: true, force: true }));

    it('watch sees the appends of another process', async () => {
      const store = await backend.open();
      const id = randomUUID();
      const controller = new AbortController();
      const iterator = store.watch({ executionId: id, signal: controller.signal })[Symbol.asyncIterator]();
      const child = spawn(process.execPath, [script, backend.directory, id, 'w', '3'], { stdio: 'ignore' });
      await waitForExit(child);
      expect(child.exitCode).toBe(0);
      const total = (await store.read(id)).length;
      const seen: number[] = [];
      while (seen.length < total) seen.push(((await iterator.next()).value as LedgerEvent).seq);
      expect(seen).toEqual(Array.from({ length: total }, (_, index) => index + 1));
      controller.abort();
    });

    it('three processes appending to one ledger at once: every append whole, seqs contiguous, no lock left', async () => {
      const id = randomUUID();
      const writers = ['p', 'q', 'r'].map((tag) => spawn(process.execPath, [script, backend.directory, id, tag, '100'], { stdio: 'ignore' }));
      await Promise.all(writers.map((writer) => waitForExit(writer)));
      expect(writers.map((writer) => writer.exitCode)).toEqual([0, 0, 0]);
      const events = await (await backend.open()).read(id);
      expectWholeAppends(events);
      for (const tag of ['p', 'q', 'r']) expect(new Set(events.map((event) => (event as { task: string }).task.split('/')[0]).filter((batch) => batch?.startsWith(tag))).size).toBe(100);
      expect(readdirSync(join(backend.directory, 'executions')).filter((name) => name.endsWith('.lock'))).toEqual([]);
    });

    it('survives 20 SIGKILLs of a writer at random moments: the ledger always parses, seqs stay contiguous, appends stay whole', async () => {
      const id = randomUUID();
      for (let kill = 0; kill < 20; kill++) {
        const child = await startWriter(script, [backend.directory, id, `k${kill}-`]);
        await sleep(Math.random() * 25);
        child.kill('SIGKILL');
        await waitForExit(child);
        const reader = new FileStateStore({ directory: backend.directory });
        try {
          expectWholeAppends(await reader.read(id));
        } finally {
          await reader[Symbol.asyncDispose]();
        }
      }
      const store = await backend.open();
      const { lastSeq } = await store.append({ executionId: id, events: [newEvent(ready('after-the-kills'))] });
      const events = await store.read(id);
      expect(events.at(-1)).toMatchObject({ seq: lastSeq, task: 'after-the-kills' });
      expectWholeAppends(events.slice(0, -1));
    });
  });
});

/** Seqs are 1..n and every append the writer made is there entirely, in order, or not at all. */
function expectWholeAppends(events: readonly LedgerEvent[]): void {
  expect(events.map((event) => event.seq)).toEqual(Array.from({ length: events.length }, (_, index) => index + 1));
  for (let index = 0; index < events.length; ) {
    const [batch, , size] = (events[index] as { task: string }).task.split('/');
    const expected = Array.from({ length: Number(size) }, (_, position) => `${batch}/${position}/${size}`);
    expect(events.slice(index, index + Number(size)).map((event) => (event as { task: string }).task)).toEqual(expected);
    index += Number(size);
  }
}
