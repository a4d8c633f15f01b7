import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { FileStateStore } from './file-store.js';
import type { StateStore } from './state-store.js';

export interface OpenStateStoreOptions {
  /** `file`: the embedded default under `workdir`; `redis`: a shared server for several replicas. */
  backend: 'file' | 'redis';
  /** The work directory (`ORCHESTRATION_WORKDIR`); the file store keeps its data in `<workdir>/state`. */
  workdir?: string;
  /** Required for `redis` (`REDIS_URL`). */
  redisUrl?: string;
  /** Redis key prefix. @defaultValue 'orchestration:' */
  keyPrefix?: string;
  /** Redis retention: every key of an execution expires this long after its last append. @defaultValue 90 */
  ttlDays?: number;
}

/**
 * The one way to get a state store: the CLI, the controller and the tests all come through here
 * with already-resolved configuration (flag > env > file > default is decided by the caller).
 */
export async function openStateStore(options: OpenStateStoreOptions): Promise<StateStore> {
  if (options.backend === 'file') {
    if (!options.workdir) throw new UsageError('The file state store needs a work directory: set ORCHESTRATION_WORKDIR or pass --workdir.');
    return new FileStateStore({ directory: join(options.workdir, 'state') });
  }
  if (options.backend === 'redis') {
    if (!options.redisUrl) throw new UsageError('The Redis state store needs a URL: set REDIS_URL or pass --redis-url (for example redis://localhost:6379/0).');
    if (options.ttlDays !== undefined && !(options.ttlDays > 0)) throw new UsageError(`Expected \`ttlDays\` to be a positive number of days, got ${String(options.ttlDays)}`);
    // Loaded only here: ioredis costs every command its start-up time, and most use the file store.
    const { openRedisStateStore } = await import('./redis-store.js');
    return openRedisStateStore({
      url: options.redisUrl,
      ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
      ...(options.ttlDays !== undefined ? { ttlDays: options.ttlDays } : {}),
    });
  }
  throw new UsageError(`Expected the state backend to be \`file\` or \`redis\`, got ${JSON.stringify(options.backend)}`);
}
