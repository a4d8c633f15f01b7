import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { TerminalError, TransientError, UsageError } from '../../src/errors.js';
import { FileLogStore } from '../../src/state/file-log-store.js';
import type { LogRecord, LogStore } from '../../src/state/log-store.js';
import { openLogStore, type OpenLogStoreOptions } from '../../src/state/open-log-store.js';
import { countResources, expectNoLeaks, type ResourceCounts } from './leak-guard.js';

/** One backend's data (a work directory, a key prefix) that several stores can open, like two processes. */
interface LogBackend extends AsyncDisposable {
  options: OpenLogStoreOptions;
  open(): Promise<LogStore>;
}

function makeBackend(kind: 'file' | 'redis'): LogBackend {
  const workdir = mkdtempSync(join(tmpdir(), 'orchestrate-logs-'));
  const options: OpenLogStoreOptions =
    kind === 'file' ? { backend: 'file', workdir, flushIntervalMs: 20 } : { backend: 'redis', redisUrl: inject('redisUrl'), keyPrefix: `test:${randomUUID()}:`, flushIntervalMs: 20 };
  const stores: LogStore[] = [];
  return {
    options,
    async open() {
      const store = await openLogStore(options);
      stores.push(store);
      return store;
    },
    async [Symbol.asyncDispose]() {
      for (const store of stores.reverse()) await store[Symbol.asyncDispose]();
      rmSync(workdir, { recursive: true, force: true });
    },
  };
}

function line(task: string, text: string, stream: LogRecord['stream'] = 'stdout', attempt = 1): LogRecord {
  return { task, attempt, stream, at: '2024-01-15T10:30:00.000Z', text };
}

async function take(iterator: AsyncIterator<LogRecord>, count: number): Promise<string[]> {
  const texts: string[] = [];
  while (texts.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    texts.push(next.value.text);
  }
  return texts;
}

describe.each(['file', 'redis'] as const)('%s log store', (kind) => {
  let backend: LogBackend;
  let store: LogStore;
  let resources: ResourceCounts;

  beforeEach(async () => {
    resources = countResources();
    backend = makeBackend(kind);
    store = await backend.open();
  });

  afterEach(async () => {
    await backend[Symbol.asyncDispose]();
    await expectNoLeaks(resources);
  });

  it('reads back every field of every line in the order appended', async () => {
    const id = randomUUID();
    const records = [line('extract.orders', 'rows: 10'), line('extract.orders', 'warn: "quoted" ünïcode', 'stderr'), line('load.warehouse', 'done', 'stdout', 2)];
    for (const record of records) store.append(id, record);
    await store.flush();
    expect(await store.read(id)).toEqual(records);
  });

  it('filters by `stage.task` or the bare task name, then keeps the last N', async () => {
    const id = randomUUID();
    for (let index = 0; index < 5; index++) {
      store.append(id, line('extract.orders', `o${index}`));
      store.append(id, line('load.warehouse', `w${index}`));
    }
    await store.flush();
    const texts = async (options: { task?: string; lines?: number }) => (await store.read(id, options)).map((record) => record.text);
    expect(await texts({ task: 'extract.orders' })).toEqual(['o0', 'o1', 'o2', 'o3', 'o4']);
    expect(await texts({ task: 'warehouse', lines: 2 })).toEqual(['w3', 'w4']);
    expect(await texts({ lines: 3 })).toEqual(['w3', 'o4', 'w4']);
    expect(await texts({ lines: 0 })).toEqual([]);
    expect(await texts({ task: 'orders.extract' })).toEqual([]);
  });

  it('keeps the last N of a long log exactly', async () => {
    const id = randomUUID();
    for (let index = 0; index < 5_000; index++) store.append(id, line(`stage.t${index % 3}`, `line ${index} ${'x'.repeat(80)}`));
    await store.flush();
    const all = await store.read(id);
    expect(all).toHaveLength(5_000);
    for (const lines of [1, 3, 2_000, 5_000, 6_000]) expect(await store.read(id, { lines }), `lines ${lines}`).toEqual(all.slice(-lines));
  });

  it('reads an execution with no output as empty', async () => {
    expect(await store.read(randomUUID())).toEqual([]);
  });

  it('writes buffered lines on its own, without a flush', async () => {
    const id = randomUUID();
    store.append(id, line('a.b', 'eventually'));
    const reader = await backend.open();
    await vi.waitFor(async () => expect((await reader.read(id)).map((record) => record.text)).toEqual(['eventually']), { timeout: 5_000 });
  });

  it('writes what is still buffered when disposed', async () => {
    const id = randomUUID();
    const writer = await backend.open();
    writer.append(id, line('a.b', 'last words'));
    await writer[Symbol.asyncDispose]();
    expect((await store.read(id)).map((record) => record.text)).toEqual(['last words']);
  });

  it('follows lines written from now on by another store, with the task filter, until aborted', async () => {
    const id = randomUUID();
    store.append(id, line('extract.orders', 'before'));
    await store.flush();
    const controller = new AbortController();
    const iterator = store.follow(id, { task: 'orders', signal: controller.signal })[Symbol.asyncIterator]();
    const first = iterator.next();
    const writer = await backend.open();
    writer.append(id, line('load.warehouse', 'other task'));
    writer.append(id, line('extract.orders', 'after 1'));
    writer.append(id, line('extract.orders', 'after 2'));
    await writer.flush();
    const texts = [((await first).value as LogRecord).text, ...(await take(iterator, 1))];
    expect(texts).toEqual(['after 1', 'after 2']);
    const pending = iterator.next();
    controller.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it('follows from the first line when asked, then what comes next', async () => {
    const id = randomUUID();
    store.append(id, line('a.b', 'one'));
    await store.flush();
    const controller = new AbortController();
    const iterator = store.follow(id, { fromStart: true, signal: controller.signal })[Symbol.asyncIterator]();
    expect(await take(iterator, 1)).toEqual(['one']);
    store.append(id, line('a.b', 'two'));
    await store.flush();
    expect(await take(iterator, 1)).toEqual(['two']);
    controller.abort();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('ends a follow that waits when the store is disposed', async () => {
    const reader = await backend.open();
    const iterator = reader.follow(randomUUID(), { signal: new AbortController().signal })[Symbol.asyncIterator]();
    const pending = iterator.next();
    await reader[Symbol.asyncDispose]();
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it('removes an execution’s lines and keeps the others', async () => {
    const [gone, kept] = [randomUUID(), randomUUID()];
    store.append(gone, line('a.b', 'x'));
    store.append(kept, line('a.b', 'y'));
    await store.flush();
    await store.remove(gone);
    expect(await store.read(gone)).toEqual([]);
    expect((await store.read(kept)).map((record) => record.text)).toEqual(['y']);
  });

  it('refuses an execution id that could escape its file or key', () => {
    expect(() => store.append('../etc/passwd', line('a.b', 'x'))).toThrow(UsageError);
  });
});

describe('log store specifics', () => {
  it('keeps file lines under <workdir>/logs/<execution-id>.ndjson and ignores a line cut short', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'orchestrate-logs-'));
    try {
      await using store = await openLogStore({ backend: 'file', workdir });
      const id = randomUUID();
      store.append(id, line('a.b', 'whole'));
      await store.flush();
      const path = join(workdir, 'logs', `${id}.ndjson`);
      expect(existsSync(path)).toBe(true);
      appendFileSync(path, '{"at":"2024-01-15T10:30:00.000Z","task":"a.b","te');
      expect((await store.read(id)).map((record) => record.text)).toEqual(['whole']);
      // A resumed run (a new process, a new store) writes after the torn line: the torn one is skipped, the new one read.
      await using resumed = await openLogStore({ backend: 'file', workdir });
      resumed.append(id, line('a.b', 'resumed'));
      await resumed.flush();
      expect((await store.read(id)).map((record) => record.text)).toEqual(['whole', 'resumed']);
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  });

  it('starts a write as soon as enough lines wait, whatever the interval', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'orchestrate-logs-'));
    try {
      await using writer = new FileLogStore({ directory, flushIntervalMs: 3_600_000, maxBufferedLines: 3 });
      await using reader = new FileLogStore({ directory });
      const id = randomUUID();
      for (const text of ['a', 'b', 'c']) writer.append(id, line('x.y', text));
      await vi.waitFor(async () => expect((await reader.read(id)).map((record) => record.text)).toEqual(['a', 'b', 'c']), { timeout: 5_000 });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reports a failed write at the next flush, naming the execution and the fix, then carries on', async () => {
    const root = mkdtempSync(join(tmpdir(), 'orchestrate-logs-'));
    const directory = join(root, 'logs');
    try {
      await using store = new FileLogStore({ directory });
      const id = randomUUID();
      // The directory replaced by a file: every append under it fails.
      rmSync(directory, { recursive: true });
      writeFileSync(directory, '');
      store.append(id, line('x.y', 'lost'));
      const error = await store.flush().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TerminalError);
      expect((error as Error).message).toContain(`Could not write the logs of execution ${id}`);
      expect((error as Error).message).toContain('Check that the work directory (ORCHESTRATION_WORKDIR) is writable');
      await store.flush();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('expires a Redis stream after the configured TTL, under the key prefix', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const admin = new Redis(inject('redisUrl'));
    try {
      await using store = await openLogStore({ backend: 'redis', redisUrl: inject('redisUrl'), keyPrefix, ttlDays: 2 });
      const id = randomUUID();
      store.append(id, line('a.b', 'x'));
      await store.flush();
      expect(await admin.keys(`${keyPrefix}*`)).toEqual([`${keyPrefix}logs:${id}`]);
      const ttl = await admin.pttl(`${keyPrefix}logs:${id}`);
      expect(ttl).toBeGreaterThan(86_400_000);
      expect(ttl).toBeLessThanOrEqual(2 * 86_400_000);
    } finally {
      const ended = once(admin, 'end');
      await admin.quit();
      await ended;
    }
  });

  const refusals: { name: string; options: OpenLogStoreOptions; message: RegExp }[] = [
    { name: 'file without a work directory', options: { backend: 'file' }, message: /ORCHESTRATION_WORKDIR/ },
    { name: 'redis without a URL', options: { backend: 'redis' }, message: /REDIS_URL/ },
    { name: 'an unknown backend', options: { backend: 'sqlite' as 'file' }, message: /`file` or `redis`, got "sqlite"/ },
  ];
  it.each(refusals)('refuses $name with a usage error', async ({ options, message }) => {
    const error = await openLogStore(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('fails fast on an unreachable Redis without showing its password', async () => {
    const error = await openLogStore({ backend: 'redis', redisUrl: 'redis://:hunter2@127.0.0.1:1/0' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
