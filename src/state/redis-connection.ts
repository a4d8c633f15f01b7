import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { TransientError } from '../errors.js';
import { redactUrl } from '../validate/connections/redact-url.js';

/** What both Redis stores are opened with: one server, one key space, one retention. */
export interface RedisConnectionOptions {
  /** `redis://[:password@]host:port[/db]`. */
  url: string;
  /** Put before every key, so several installations can share one Redis. Use a hash tag (`{orch}:`) on a cluster. @defaultValue 'orchestration:' */
  keyPrefix?: string;
  /** Every key of an execution expires this long after its last write. @defaultValue 90 */
  ttlDays?: number;
}

/** Where a store's keys live and how long they stay. */
export interface RedisKeyspace {
  prefix: string;
  ttlMs: number;
}

export function keyspaceOf(options: RedisConnectionOptions): RedisKeyspace {
  return { prefix: options.keyPrefix ?? 'orchestration:', ttlMs: Math.round((options.ttlDays ?? 90) * 86_400_000) };
}

/**
 * Connects, runs `prepare` on the ready client (loading scripts), and returns it. Fails fast with
 * a `TransientError` that names the server (without its password) and the fix; a client that
 * failed is closed, so it leaves no socket or reconnect timer behind.
 */
export async function connectRedis(url: string, prepare?: (redis: Redis) => Promise<unknown>): Promise<Redis> {
  let connected = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 3,
    // Reconnect once it has worked; a first connection that fails ends the client (no timers left).
    retryStrategy: (attempt) => (connected ? Math.min(attempt * 100, 2_000) : null),
  });
  // Failures reach callers through their commands; without a listener ioredis prints them.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    connected = true;
    await prepare?.(redis);
  } catch (error) {
    await disconnectRedis(redis);
    throw new TransientError(`Cannot reach Redis at ${redactUrl(url)}: ${(error as Error).message}. Start Redis, fix REDIS_URL (or --redis-url), or use the embedded store with --state file.`, { cause: error });
  }
  return redis;
}

/** A second connection for a blocking read: a blocked XREAD holds its connection until it is closed. */
export function readerConnection(redis: Redis): Redis {
  const connection = redis.duplicate();
  connection.on('error', () => undefined);
  return connection;
}

/**
 * Closes a connection and waits until its socket is gone, so nothing outlives the store. `quit`
 * lets replies in flight arrive first. A connection that is down (reconnecting) may never say
 * 'end': give up waiting after a moment, it holds no socket then.
 */
export async function disconnectRedis(connection: Redis, how: 'quit' | 'disconnect' = 'disconnect'): Promise<void> {
  if (connection.status === 'end') return;
  const ended = once(connection, 'end');
  if (how === 'quit' && connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
  else connection.disconnect();
  const timer = new AbortController();
  await Promise.race([ended, sleep(1_000, undefined, { signal: timer.signal }).catch(() => undefined)]);
  timer.abort();
}
