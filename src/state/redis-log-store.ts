import type { Redis } from 'ioredis';
import { InternalError, TransientError } from '../errors.js';
import { redactUrl } from '../validate/connections/redact-url.js';
import { assertExecutionId } from './ledger-lines.js';
import { LogBuffer, type LogBatch, type LogBufferOptions } from './log-buffer.js';
import { decodeRecord, encodeRecord, matchesTask, selectRecords } from './log-records.js';
import type { LogRecord, LogStore } from './log-store.js';
import { connectRedis, disconnectRedis, keyspaceOf, readerConnection, type RedisConnectionOptions, type RedisKeyspace } from './redis-connection.js';

/** The state store's connection options, so an installation's lines sit with its ledgers and expire like them. */
export interface RedisLogStoreOptions extends RedisConnectionOptions, LogBufferOptions {}

const READ_PAGE = 1_000;

/** Connects and returns the store; fails fast naming the server (without its password) and the fix. */
export async function openRedisLogStore(options: RedisLogStoreOptions): Promise<RedisLogStore> {
  return new RedisLogStore(await connectRedis(options.url), options);
}

/**
 * Task output in Redis: one stream `<prefix>logs:<execution-id>` per execution, field `r` = the
 * record as JSON. A flush sends every buffered line plus the TTL renewal in one pipeline, so
 * output costs one round trip per interval, not one per line.
 */
export class RedisLogStore implements LogStore {
  private readonly keyspace: RedisKeyspace;
  private readonly buffer: LogBuffer;
  private readonly follows = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisLogStoreOptions,
  ) {
    this.keyspace = keyspaceOf(options);
    this.buffer = new LogBuffer((batch) => this.send(batch), options);
  }

  append(executionId: string, record: LogRecord): void {
    this.assertOpen();
    assertExecutionId(executionId);
    this.buffer.add(executionId, encodeRecord(record));
  }

  /** Sends everything buffered so far; rejects with the first send failure since the last flush. */
  flush(): Promise<void> {
    return this.buffer.flush();
  }

  async read(executionId: string, options: { task?: string; lines?: number } = {}): Promise<LogRecord[]> {
    this.assertOpen();
    assertExecutionId(executionId);
    const key = this.keyOf(executionId);
    if (options.task === undefined && options.lines !== undefined) {
      // The last N without a filter: read only those, newest first, then put them in order.
      if (options.lines <= 0) return [];
      const count = options.lines;
      const entries = await this.call('read the logs of', () => this.redis.xrevrange(key, '+', '-', 'COUNT', count));
      return decodeEntries(entries).reverse();
    }
    const records: LogRecord[] = [];
    for (let start = '-'; ; ) {
      const from = start;
      const entries = await this.call('read the logs of', () => this.redis.xrange(key, from, '+', 'COUNT', READ_PAGE));
      records.push(...decodeEntries(entries));
      if (entries.length < READ_PAGE) return selectRecords(records, options);
      start = `(${(entries.at(-1) as [string, string[]])[0]}`;
    }
  }

  async *follow(executionId: string, options: { task?: string; fromStart?: boolean; signal: AbortSignal }): AsyncIterable<LogRecord> {
    this.assertOpen();
    assertExecutionId(executionId);
    const key = this.keyOf(executionId);
    const stop = new AbortController();
    this.follows.add(stop);
    const signal = AbortSignal.any([options.signal, stop.signal]);
    // Each follow blocks on its own connection, closed to end the wait.
    const connection = readerConnection(this.redis);
    const onAbort = () => connection.disconnect();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let lastId = '0-0';
      if (!options.fromStart) {
        const [newest] = await this.call('follow the logs of', () => this.redis.xrevrange(key, '+', '-', 'COUNT', 1));
        if (newest) lastId = newest[0];
      }
      while (!signal.aborted) {
        let reply: [string, [string, string[]][]][] | null;
        try {
          reply = (await connection.xread('BLOCK', 0, 'STREAMS', key, lastId)) as [string, [string, string[]][]][] | null;
        } catch (error) {
          if (signal.aborted) return;
          throw this.failed('follow the logs of', error);
        }
        for (const [, entries] of reply ?? []) {
          if (entries.length > 0) lastId = (entries.at(-1) as [string, string[]])[0];
          for (const record of decodeEntries(entries)) {
            if (signal.aborted) return;
            if (matchesTask(record, options.task)) yield record;
          }
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.follows.delete(stop);
      await disconnectRedis(connection);
    }
  }

  async remove(executionId: string): Promise<void> {
    this.assertOpen();
    assertExecutionId(executionId);
    await this.buffer.drop(executionId);
    await this.call('remove the logs of', () => this.redis.del(this.keyOf(executionId)));
  }

  /** Ends every follow, sends what is still buffered, then quits the connection. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.closed) return;
    for (const stop of this.follows) stop.abort();
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await disconnectRedis(this.redis, 'quit');
    }
  }

  private async send(batch: LogBatch): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const [executionId, lines] of batch) {
      const key = this.keyOf(executionId);
      for (const line of lines) pipeline.xadd(key, '*', 'r', line);
      pipeline.pexpire(key, this.keyspace.ttlMs);
    }
    const replies = await this.call('write the logs of', async () => (await pipeline.exec()) ?? []);
    const failed = replies.find(([error]) => error);
    if (failed?.[0]) throw this.failed('write the logs of', failed[0]);
  }

  private keyOf(executionId: string): string {
    return `${this.keyspace.prefix}logs:${executionId}`;
  }

  private async call<T>(action: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw this.failed(action, error);
    }
  }

  private failed(action: string, error: unknown): Error {
    return new TransientError(`Redis could not ${action} an execution at ${redactUrl(this.options.url)}: ${(error as Error).message}. Check that Redis is up and REDIS_URL is right.`, { cause: error });
  }

  private assertOpen(): void {
    if (this.closed) throw new InternalError('The Redis log store was used after it was disposed; open a new one with openLogStore().');
  }
}

function decodeEntries(entries: readonly [string, string[]][]): LogRecord[] {
  const records: LogRecord[] = [];
  for (const [, fields] of entries) {
    const record = fields[0] === 'r' && fields[1] !== undefined ? decodeRecord(fields[1]) : undefined;
    if (record) records.push(record);
  }
  return records;
}
