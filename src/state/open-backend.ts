import { UsageError } from '../errors.js';
import type { RedisConnectionOptions } from './redis-connection.js';

/** Where a store keeps its data; the state store and the log store take the same resolved settings. */
export interface StoreBackendOptions {
  /** `file`: the embedded default under `workdir`; `redis`: a shared server for several replicas. */
  backend: 'file' | 'redis';
  /** The work directory (`ORCHESTRATION_WORKDIR`); the file backend keeps its data in a folder of it. */
  workdir?: string;
  /** Required for `redis` (`REDIS_URL`). */
  redisUrl?: string;
  /** Redis key prefix. @defaultValue 'orchestration:' */
  keyPrefix?: string;
  /** Redis retention: every key of an execution expires this long after its last write. @defaultValue 90 */
  ttlDays?: number;
}

/** How to open each backend of one kind of store. */
export interface BackendOpeners<Store> {
  file(workdir: string): Store;
  redis(connection: RedisConnectionOptions): Promise<Store>;
}

/**
 * Checks the settings the chosen backend needs and opens it. `store` names the store in the
 * errors (`state`, `log`); each names the setting to fix.
 */
export async function openBackend<Store>(options: StoreBackendOptions, store: 'state' | 'log', open: BackendOpeners<Store>): Promise<Store> {
  if (options.backend === 'file') {
    if (!options.workdir) throw new UsageError(`The file ${store} store needs a work directory: set ORCHESTRATION_WORKDIR or pass --workdir.`);
    return open.file(options.workdir);
  }
  if (options.backend === 'redis') {
    if (!options.redisUrl) throw new UsageError(`The Redis ${store} store needs a URL: set REDIS_URL or pass --redis-url (for example redis://localhost:6379/0).`);
    if (options.ttlDays !== undefined && !(options.ttlDays > 0)) throw new UsageError(`Expected \`ttlDays\` to be a positive number of days, got ${String(options.ttlDays)}`);
    return open.redis({ url: options.redisUrl, keyPrefix: options.keyPrefix, ttlDays: options.ttlDays });
  }
  throw new UsageError(`Expected the ${store} backend to be \`file\` or \`redis\`, got ${JSON.stringify(options.backend)}`);
}
