import { join } from 'node:path';
import type { ResolvedConfig } from '../../config/config.js';
import type { OpenStateStoreOptions } from '../../state/open-store.js';
import { redactUrl } from '../../validate/connections/redact-url.js';

/** The store settings of resolved configuration, as `openStateStore` and `openLogStore` both take them. */
export function storeBackendOf(config: ResolvedConfig): OpenStateStoreOptions {
  return { backend: config['state.backend'], workdir: config.workdir, redisUrl: config['state.redis_url'], keyPrefix: config['state.key_prefix'], ttlDays: config['state.ttl_days'] };
}

/** Where an execution's ledger lives, in words for the summary: its file, or the Redis server without credentials. */
export function ledgerLocation(config: ResolvedConfig, executionId: string): string {
  return config['state.backend'] === 'file'
    ? join(config.workdir, 'state', 'executions', `${executionId}.ndjson`)
    : `redis ${redactUrl(config['state.redis_url'] ?? '')} (key prefix ${config['state.key_prefix']})`;
}
