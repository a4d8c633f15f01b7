import { join } from 'node:path';
import { FileStateStore } from './file-store.js';
import { openBackend, type StoreBackendOptions } from './open-backend.js';
import type { StateStore } from './state-store.js';

/** The file store keeps its data in `<workdir>/state`. */
export type OpenStateStoreOptions = StoreBackendOptions;

/**
 * The one way to get a state store: the CLI, the controller and the tests all come through here
 * with already-resolved configuration (flag > env > file > default is decided by the caller).
 */
export function openStateStore(options: OpenStateStoreOptions): Promise<StateStore> {
  return openBackend<StateStore>(options, 'state', {
    file: (workdir) => new FileStateStore({ directory: join(workdir, 'state') }),
    // Loaded only here: ioredis costs every command its start-up time, and most use the file store.
    redis: async (connection) => (await import('./redis-store.js')).openRedisStateStore(connection),
  });
}
