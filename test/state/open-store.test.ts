import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { openStateStore, type OpenStateStoreOptions } from '../../src/state/open-store.js';
import { RedisStateStore } from '../../src/state/redis-store.js';
import { newEvent, ready } from './make-events.js';

describe('openStateStore', () => {
  it('opens the embedded store under <workdir>/state', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'orchestrate-workdir-'));
    try {
      await using store = await openStateStore({ backend: 'file', workdir });
      expect(store).toBeInstanceOf(FileStateStore);
      const id = randomUUID();
      await store.append({ executionId: id, events: [newEvent(ready('a'))] });
      expect(existsSync(join(workdir, 'state', 'executions', `${id}.ndjson`))).toBe(true);
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  });

  it('opens the Redis store with its prefix', async () => {
    await using store = await openStateStore({ backend: 'redis', redisUrl: inject('redisUrl'), keyPrefix: `test:${randomUUID()}:`, ttlDays: 1 });
    expect(store).toBeInstanceOf(RedisStateStore);
  });

  const refusals: { name: string; options: OpenStateStoreOptions; message: RegExp }[] = [
    { name: 'file without a work directory', options: { backend: 'file' }, message: /ORCHESTRATION_WORKDIR/ },
    { name: 'redis without a URL', options: { backend: 'redis' }, message: /REDIS_URL/ },
    { name: 'a TTL that is not positive', options: { backend: 'redis', redisUrl: 'redis://127.0.0.1:1', ttlDays: 0 }, message: /ttlDays.*got 0/ },
    { name: 'an unknown backend', options: { backend: 'sqlite' as 'file' }, message: /`file` or `redis`, got "sqlite"/ },
  ];
  it.each(refusals)('refuses $name with a usage error', async ({ options, message }) => {
    const error = await openStateStore(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });
});
