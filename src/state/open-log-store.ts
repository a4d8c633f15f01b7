import { join } from 'node:path';
import { FileLogStore } from './file-log-store.js';
import type { LogStore } from './log-store.js';
import { openBackend, type StoreBackendOptions } from './open-backend.js';

/** The file store keeps lines in `<workdir>/logs`; Redis keeps a stream per execution beside the state store's keys. */
export interface OpenLogStoreOptions extends StoreBackendOptions {
  /** How long a line may wait in memory before it is written. @defaultValue 100 */
  flushIntervalMs?: number;
}

/** The one way to get a log store, with the same resolved configuration as `openStateStore`. */
export function openLogStore(options: OpenLogStoreOptions): Promise<LogStore> {
  return openBackend<LogStore>(options, 'log', {
    file: (workdir) => new FileLogStore({ directory: join(workdir, 'logs'), flushIntervalMs: options.flushIntervalMs }),
    // Loaded only here, as in `openStateStore`: the file backend never pays for ioredis.
    redis: async (connection) => (await import('./redis-log-store.js')).openRedisLogStore({ ...connection, flushIntervalMs: options.flushIntervalMs }),
  });
}
