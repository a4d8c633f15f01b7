import type { Redis } from 'ioredis';
import { InternalError, OrchestrateError, TransientError } from '../errors.js';
import { redactUrl } from '../validate/connections/redact-url.js';
import { ConflictError } from './errors.js';
import { EventQueue } from './event-queue.js';
import type { ExecutionStatus, LedgerEvent } from './events.js';
import { assertExecutionId, decodeLine, encodeBody } from './ledger-lines.js';
import { connectRedis, disconnectRedis, keyspaceOf, readerConnection, type RedisConnectionOptions, type RedisKeyspace } from './redis-connection.js';
import { ACQUIRE_LEASE_SCRIPT, APPEND_SCRIPT, RELEASE_LEASE_SCRIPT } from './redis-scripts.js';
import type { AppendRequest, ExecutionSummary, Lease, ListPage, ListRequest, StateStore } from './state-store.js';
import { comesAfter, completeSummary, decodeCursor, listLimit, matchesFilter, pageOf, summaryChange } from './summary.js';

export interface RedisStateStoreOptions extends RedisConnectionOptions {
  /** Entries kept in the feed stream that `watch` follows; each holds up to 1,000 events of one append. @defaultValue 10_000 */
  feedMaxLength?: number;
}

const STATUSES: readonly ExecutionStatus[] = ['pending', 'running', 'succeeded', 'failed', 'cancelled'];
const READ_PAGE = 1_000;

interface LedgerCommands {
  ledgerAppend(...keysAndArgs: (string | number)[]): Promise<[number, number]>;
  ledgerAcquireLease(key: string, owner: string, ttlMs: number): Promise<number>;
  ledgerReleaseLease(key: string, owner: string): Promise<number>;
}

type LedgerRedis = Redis & LedgerCommands;

/**
 * Connects, loads the scripts (so every append is a single `EVALSHA`), and returns the store.
 * Fails fast with a `TransientError` that names the server (without its password) and the fix.
 */
export async function openRedisStateStore(options: RedisStateStoreOptions): Promise<RedisStateStore> {
  const redis = await connectRedis(options.url, async (connection) => {
    connection.defineCommand('ledgerAppend', { lua: APPEND_SCRIPT, numberOfKeys: 10 });
    connection.defineCommand('ledgerAcquireLease', { lua: ACQUIRE_LEASE_SCRIPT, numberOfKeys: 1 });
    connection.defineCommand('ledgerReleaseLease', { lua: RELEASE_LEASE_SCRIPT, numberOfKeys: 1 });
    await Promise.all([APPEND_SCRIPT, ACQUIRE_LEASE_SCRIPT, RELEASE_LEASE_SCRIPT].map((lua) => connection.script('LOAD', lua)));
  });
  return new RedisStateStore(redis as LedgerRedis, options);
}

/**
 * The Redis store. Per execution: a stream `<prefix>exec:<id>` (entry id `seq-0`, field `e` =
 * the event line) and a summary hash `<prefix>exec:<id>:meta`. Indexes for `list`: sorted sets
 * by creation time (`idx:created`, `idx:pipeline:<name>`, `idx:status:<status>`). A capped
 * stream `<prefix>feed` carries every batch for `watch`. Every key of an execution expires
 * `ttlDays` after its last append. Appends are one script call: one round trip, atomic.
 */
export class RedisStateStore implements StateStore {
  private readonly keyspace: RedisKeyspace;
  private readonly watches = new Set<EventQueue>();
  private closed = false;

  constructor(
    private readonly redis: LedgerRedis,
    private readonly options: RedisStateStoreOptions,
  ) {
    this.keyspace = keyspaceOf(options);
  }

  async append(request: AppendRequest): Promise<{ lastSeq: number }> {
    this.assertOpen();
    const { executionId } = request;
    assertExecutionId(executionId);
    const idJson = JSON.stringify(executionId);
    const lines = request.events.map((event) => `"execution_id":${idJson}${encodeBody(event)}`);
    const change = summaryChange(request.events);
    const fields: string[] = [];
    if (change?.created) {
      const { pipeline, created_at, trigger, commit_sha } = change.created;
      fields.push('execution_id', executionId, 'pipeline', pipeline, 'created_at', created_at, 'created_ms', String(Date.parse(created_at)), 'trigger', trigger);
      if (commit_sha) fields.push('commit_sha', commit_sha);
    }
    if (change?.status) fields.push('status', change.status);
    if (change?.finished_at) fields.push('finished_at', change.finished_at);
    const keys = [
      this.key(`exec:${executionId}`),
      this.key(`exec:${executionId}:meta`),
      this.key('idx:created'),
      change?.created ? this.key(`idx:pipeline:${change.created.pipeline}`) : this.key('idx:created'),
      this.key('feed'),
      ...STATUSES.map((status) => this.key(`idx:status:${status}`)),
    ];
    const args = [
      request.expectedSeq === undefined ? '' : String(request.expectedSeq),
      String(this.keyspace.ttlMs),
      executionId,
      change?.created ? String(Date.parse(change.created.created_at)) : '',
      change?.status ? String(STATUSES.indexOf(change.status) + 1) : '',
      String(this.options.feedMaxLength ?? 10_000),
      String(fields.length / 2),
      ...fields,
      lines.join('\n'),
    ];
    const [ok, lastSeq] = await this.call('append to the ledger of', () => this.redis.ledgerAppend(...keys, ...args));
    if (ok !== 1) throw new ConflictError(executionId, request.expectedSeq as number, lastSeq);
    return { lastSeq };
  }

  async read(executionId: string, options: { afterSeq?: number } = {}): Promise<LedgerEvent[]> {
    this.assertOpen();
    assertExecutionId(executionId);
    const key = this.key(`exec:${executionId}`);
    const events: LedgerEvent[] = [];
    for (let next = (options.afterSeq ?? 0) + 1; ; ) {
      const entries = await this.call('read the ledger of', () => this.redis.xrange(key, `${next}-0`, '+', 'COUNT', READ_PAGE));
      for (const [, fields] of entries) events.push(decodeLine(fieldOf(fields, 'e')));
      if (entries.length < READ_PAGE) return events;
      next = (events.at(-1) as LedgerEvent).seq + 1;
    }
  }

  async list(request: ListRequest): Promise<ListPage> {
    this.assertOpen();
    const limit = listLimit(request);
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    const [onlyStatus] = request.status?.length === 1 ? request.status : [];
    // Walk the narrowest index; filter the rest on the summaries.
    const index = request.pipeline !== undefined ? `idx:pipeline:${request.pipeline}` : onlyStatus !== undefined ? `idx:status:${onlyStatus}` : 'idx:created';
    const max = after ? String(after.createdMs) : '+inf';
    const min = request.since ? String(request.since.getTime()) : '-inf';
    const chunk = Math.max(limit + 1, 100);
    const found: ExecutionSummary[] = [];
    const expired: string[] = [];
    for (let offset = 0; found.length <= limit; offset += chunk) {
      const flat = await this.call('list', () => this.redis.zrevrangebyscore(this.key(index), max, min, 'WITHSCORES', 'LIMIT', offset, chunk));
      const ids: string[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i] as string;
        if (!after || comesAfter({ createdMs: Number(flat[i + 1]), executionId: id }, after)) ids.push(id);
      }
      const metas = await this.call('list', async () => {
        const pipeline = this.redis.pipeline();
        for (const id of ids) pipeline.hgetall(this.key(`exec:${id}:meta`));
        return (await pipeline.exec()) ?? [];
      });
      metas.forEach(([error, meta], position) => {
        if (error) throw new TransientError(`Redis list failed at ${redactUrl(this.options.url)}: ${error.message}`, { cause: error });
        const fields = meta as Record<string, string>;
        if (Object.keys(fields).length === 0) return void expired.push(ids[position] as string);
        const summary = completeSummary(fields);
        if (summary && matchesFilter(summary, request)) found.push(summary);
      });
      if (flat.length < chunk * 2) break;
    }
    // Their hashes expired: drop them from the index walked (best effort; others prune on create).
    if (expired.length > 0) await this.redis.zrem(this.key(index), ...expired).catch(() => undefined);
    return pageOf(found, limit);
  }

  watch(options: { executionId?: string; signal: AbortSignal }): AsyncIterable<LedgerEvent> {
    this.assertOpen();
    if (options.executionId !== undefined) assertExecutionId(options.executionId);
    const queue = new EventQueue(options.signal);
    if (queue.isClosed) return queue;
    // Asked on the main connection now, so "from now on" is ordered before this client's next append.
    const key = this.key(options.executionId === undefined ? 'feed' : `exec:${options.executionId}`);
    const start =
      options.executionId === undefined
        ? this.redis.xrevrange(key, '+', '-', 'COUNT', 1).then((entries) => entries[0]?.[0] ?? '0-0')
        : this.redis.xlen(key).then((length) => `${length}-0`);
    const connection = readerConnection(this.redis);
    this.watches.add(queue);
    queue.onClose(async () => {
      this.watches.delete(queue);
      await disconnectRedis(connection);
    });
    void this.follow(queue, connection, key, start).catch((error: unknown) => {
      if (!queue.isClosed) queue.fail(this.failure('watch', error));
    });
    return queue;
  }

  async remove(executionId: string): Promise<void> {
    this.assertOpen();
    assertExecutionId(executionId);
    const meta = this.key(`exec:${executionId}:meta`);
    await this.call('remove the ledger of', async () => {
      const pipeline = await this.redis.hget(meta, 'pipeline');
      const multi = this.redis.multi().del(this.key(`exec:${executionId}`), meta).zrem(this.key('idx:created'), executionId);
      for (const status of STATUSES) multi.zrem(this.key(`idx:status:${status}`), executionId);
      if (pipeline !== null) multi.zrem(this.key(`idx:pipeline:${pipeline}`), executionId);
      await multi.exec();
    });
  }

  async acquireLease(request: { name: string; owner: string; ttlMs: number }): Promise<Lease | undefined> {
    this.assertOpen();
    const expiresAt = new Date(Date.now() + request.ttlMs);
    const taken = await this.call('acquire a lease', () => this.redis.ledgerAcquireLease(this.key(`lease:${request.name}`), request.owner, request.ttlMs));
    return taken === 1 ? { name: request.name, owner: request.owner, expiresAt } : undefined;
  }

  async releaseLease(request: { name: string; owner: string }): Promise<void> {
    this.assertOpen();
    await this.call('release a lease', () => this.redis.ledgerReleaseLease(this.key(`lease:${request.name}`), request.owner));
  }

  /** Ends every watch (closing its connection), then quits the main connection. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.watches].map((queue) => queue.close()));
    await disconnectRedis(this.redis, 'quit');
  }

  private async follow(queue: EventQueue, connection: Redis, key: string, start: Promise<string>): Promise<void> {
    let lastId = await start;
    while (!queue.isClosed) {
      const reply = await connection.xread('BLOCK', 0, 'STREAMS', key, lastId);
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          lastId = id;
          // Feed entries hold a whole batch, one line each; ledger entries one event.
          queue.push(fieldOf(fields, 'e').split('\n').map((line) => decodeLine(line)));
        }
      }
    }
  }

  private key(suffix: string): string {
    return `${this.keyspace.prefix}${suffix}`;
  }

  private async call<T>(action: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw this.failure(action, error);
    }
  }

  private failure(action: string, error: unknown): Error {
    if (error instanceof OrchestrateError) return error;
    const message = `Redis could not ${action} at ${redactUrl(this.options.url)}: ${(error as Error).message}`;
    // A reply error is Redis refusing what we sent (a bug here); anything else is the connection.
    return (error as Error).name === 'ReplyError' ? new InternalError(message, { cause: error }) : new TransientError(`${message}. Check that Redis is up and REDIS_URL is right.`, { cause: error });
  }

  private assertOpen(): void {
    if (this.closed) throw new InternalError('The Redis state store was used after it was disposed; open a new one with openStateStore().');
  }
}

function fieldOf(fields: readonly string[], name: string): string {
  for (let index = 0; index + 1 < fields.length; index += 2) if (fields[index] === name) return fields[index + 1] as string;
  throw new InternalError(`A ledger stream entry has no \`${name}\` field: ${JSON.stringify(fields).slice(0, 200)}`);
}
