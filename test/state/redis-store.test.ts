import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { TransientError } from '../../src/errors.js';
import { openStateStore } from '../../src/state/open-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { describeStoreConformance, type Backend } from './conformance.js';
import { countResources, expectNoLeaks, type ResourceCounts } from './leak-guard.js';
import { created, newEvent, ready } from './make-events.js';

/** A unique key prefix on the suite's redis-server: tests and files never see each other's keys. */
function makeRedisBackend(options: { ttlDays?: number } = {}): Backend & { keyPrefix: string } {
  const keyPrefix = `test:${randomUUID()}:`;
  const stores: StateStore[] = [];
  return {
    keyPrefix,
    async open() {
      const store = await openStateStore({ backend: 'redis', redisUrl: inject('redisUrl'), keyPrefix, ...options });
      stores.push(store);
      return store;
    },
    async [Symbol.asyncDispose]() {
      for (const store of stores.reverse()) await store[Symbol.asyncDispose]();
    },
  };
}

describeStoreConformance('redis', async () => makeRedisBackend());

describe('redis state store', () => {
  let resources: ResourceCounts;
  let admin: Redis;

  beforeEach(() => {
    resources = countResources();
    admin = new Redis(inject('redisUrl'));
  });

  afterEach(async () => {
    const ended = once(admin, 'end');
    await admin.quit();
    await ended;
    await expectNoLeaks(resources);
  });

  it('sets a TTL on every key of an execution and on the indexes', async () => {
    await using backend = makeRedisBackend({ ttlDays: 2 });
    const store = await backend.open();
    const id = randomUUID();
    await store.append({ executionId: id, events: [newEvent(created()), newEvent(ready('extract.orders'))] });
    const keys = await admin.keys(`${backend.keyPrefix}*`);
    expect(keys.sort()).toEqual(
      [`exec:${id}`, `exec:${id}:meta`, 'feed', 'idx:created', 'idx:pipeline:daily_etl', 'idx:status:running'].map((key) => `${backend.keyPrefix}${key}`).sort(),
    );
    for (const key of keys) {
      const ttl = await admin.pttl(key);
      expect(ttl, key).toBeGreaterThan(86_400_000);
      expect(ttl, key).toBeLessThanOrEqual(2 * 86_400_000);
    }
  });

  it('writes one append in one round trip', async () => {
    await using backend = makeRedisBackend();
    const store = await backend.open();
    const id = randomUUID();
    await store.append({ executionId: id, events: [newEvent(created())] });
    const monitor = await admin.monitor();
    const commands: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      // Commands the script runs show up as from "lua"; count what clients sent.
      if (source !== 'lua' && args.some((arg) => arg.includes(backend.keyPrefix))) commands.push(args);
    });
    await store.append({ executionId: id, events: Array.from({ length: 20 }, (_, index) => newEvent(ready(`extract.t${index}`))) });
    await store.append({ executionId: id, events: [newEvent({ type: 'execution.finished', status: 'succeeded' })] });
    // MONITOR lines can trail the replies: a marker command sent last tells when all are in.
    const marker = `${backend.keyPrefix}marker`;
    const markerSeen = new Promise<void>((resolve) => monitor.on('monitor', (_time: string, args: string[]) => args.includes(marker) && resolve()));
    await admin.exists(marker);
    await markerSeen;
    await monitor.disconnect();
    expect(commands.filter((args) => !args.includes(marker)).map((args) => args[0]?.toLowerCase())).toEqual(['evalsha', 'evalsha']);
  });

  it('fails fast with a transient error naming the server without its password', async () => {
    const error = await openStateStore({ backend: 'redis', redisUrl: 'redis://:hunter2@127.0.0.1:1/0' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).message).toContain('--state file');
  });
});
