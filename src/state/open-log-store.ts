import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { FileLogStore } from './file-log-store.js';
import type { LogStore } from './log-store.js';

export interface OpenLogStoreOptions {
  /** `file`: lines under `workdir`; `redis`: a stream per execution on the state store's server. */
  backend: 'file' | 'redis';
  /** The work directory (`ORCHESTRATION_WORKDIR`); the file store keeps lines in `<workdir>/logs`. */
  workdir?: string;
  /** Required for `redis` (`REDIS_URL`). */
  redisUrl?: string;
  /** Redis key prefix, the state store's. @defaultValue 'orchestration:' */
  keyPrefix?: string;
  /** Redis retention, the state store's. @defaultValue 90 */
  ttlDays?: number;
  /** How long a line may wait in memory before it is written. @defaultValue 100 */
  flushIntervalMs?: number;
}

/** The one way to get a log store, with the same resolved configuration as `openStateStore`. */
export async function openLogStore(options: OpenLogStoreOptions): Promise<LogStore> {
  const flushing = options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {};
  if (options.backend === 'file') {
    if (!options.workdir) throw new UsageError('The file log store needs a work directory: set ORCHESTRATION_WORKDIR or pass --workdir.');
    return new FileLogStore({ directory: join(options.workdir, 'logs'), ...flushing });
  }
  if (options.backend === 'redis') {
    if (!options.redisUrl) throw new UsageError('The Redis log store needs a URL: set REDIS_URL or pass --redis-url (for example redis://localhost:6379/0).');
    if (options.ttlDays !== undefined && !(options.ttlDays > 0)) throw new UsageError(`Expected \`ttlDays\` to be a positive number of days, got ${String(options.ttlDays)}`);
    // Loaded only here, as in `openStateStore`: the file backend never pays for ioredis.
    const { openRedisLogStore } = await import('./redis-log-store.js');
    return openRedisLogStore({
      url: options.redisUrl,
      ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
      ...(options.ttlDays !== undefined ? { ttlDays: options.ttlDays } : {}),
      ...flushing,
    });
  }
  throw new UsageError(`Expected the log backend to be \`file\` or \`redis\`, got ${JSON.stringify(options.backend)}`);
}
