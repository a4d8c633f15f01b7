import type { Redis } from 'ioredis';
import { TransientError } from '../errors.js';
import { redactUrl } from '../validate/connections/redact-url.js';
import { BufferedLogStore } from './buffered-log-store.js';
import type { LogBatch, LogBufferOptions } from './log-buffer.js';
import { decodeRecord } from './log-records.js';
import type { LogRecord } from './log-store.js';
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
export class RedisLogStore extends BufferedLogStore {
  private readonly keyspace: RedisKeyspace;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisLogStoreOptions,
  ) {
    super('Redis', options);
    this.keyspace = keyspaceOf(options);
  }

  protected async readStored(executionId: string, last: number | undefined): Promise<LogRecord[]> {
    const key = this.keyOf(executionId);
    if (last !== undefined) {
      // Read only the last N, newest first, then put them in order.
      if (last <= 0) return [];
      const entries = await this.call('read the logs of', () => this.redis.xrevrange(key, '+', '-', 'COUNT', last));
      return decodeEntries(entries).reverse();
    }
    const records: LogRecord[] = [];
    for (let start = '-'; ; ) {
      const from = start;
      const entries = await this.call('read the logs of', () => this.redis.xrange(key, from, '+', 'COUNT', READ_PAGE));
      records.push(...decodeEntries(entries));
      if (entries.length < READ_PAGE) return records;
      start = `(${(entries.at(-1) as [string, string[]])[0]}`;
    }
  }

  protected async *followStored(executionId: string, { fromStart, signal }: { fromStart: boolean; signal: AbortSignal }): AsyncIterable<LogRecord> {
    const key = this.keyOf(executionId);
    // Each follow blocks on its own connection, closed to end the wait.
    const connection = readerConnection(this.redis);
    const onAbort = () => connection.disconnect();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let lastId = '0-0';
      if (!fromStart) {
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
          yield* decodeEntries(entries);
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await disconnectRedis(connection);
    }
  }

  protected async removeStored(executionId: string): Promise<void> {
    await this.call('remove the logs of', () => this.redis.del(this.keyOf(executionId)));
  }

  /** Quits the connection once the last lines are sent. */
  protected override async release(): Promise<void> {
    await disconnectRedis(this.redis, 'quit');
  }

  /** One pipeline per batch: every line plus the TTL renewal in a single round trip. */
  protected async write(batch: LogBatch): Promise<void> {
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
}

function decodeEntries(entries: readonly [string, string[]][]): LogRecord[] {
  const records: LogRecord[] = [];
  for (const [, fields] of entries) {
    const record = fields[0] === 'r' && fields[1] !== undefined ? decodeRecord(fields[1]) : undefined;
    if (record) records.push(record);
  }
  return records;
}
