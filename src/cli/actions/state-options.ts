import { resolveConfig, type LoadedConfig } from '../../config/resolve-config.js';
import { TerminalError } from '../../errors.js';
import type { ExecutionStatus, LedgerEvent } from '../../state/events.js';
import type { LogStore } from '../../state/log-store.js';
import { openLogStore } from '../../state/open-log-store.js';
import { openStateStore } from '../../state/open-store.js';
import type { ExecutionSummary, StateStore } from '../../state/state-store.js';
import { redactUrl } from '../../validate/connections/redact-url.js';
import { suggest } from '../../validate/suggest.js';
import type { ExecutionState } from '../../state/fold.js';
import { storeBackendOf } from './store-backend.js';

/** The flags every command that reads state takes; they win over the environment and the file. */
export interface StoreFlags {
  workdir?: string;
  state?: 'file' | 'redis';
  redisUrl?: string;
}

export function loadConfig(flags: StoreFlags): LoadedConfig {
  return resolveConfig({ flags: { workdir: flags.workdir, 'state.backend': flags.state, 'state.redis_url': flags.redisUrl } });
}

/** The stores a command reads, opened from one resolved configuration and released together. */
export interface Stores extends AsyncDisposable {
  loaded: LoadedConfig;
  state: StateStore;
  /** Opened on first use: most commands never read task output. */
  logs(): Promise<LogStore>;
  /** "the file state store in /x/state", for messages. */
  where: string;
}

export async function openStores(flags: StoreFlags): Promise<Stores> {
  const loaded = loadConfig(flags);
  const { config } = loaded;
  const options = storeBackendOf(config);
  const state = await openStateStore(options);
  let logs: Promise<LogStore> | undefined;
  const where =
    config['state.backend'] === 'file'
      ? `the file state store in ${config.workdir}`
      : `the Redis state store at ${redactUrl(config['state.redis_url'] ?? '')} (key prefix ${config['state.key_prefix']})`;
  return {
    loaded,
    state,
    where,
    logs: () => (logs ??= openLogStore(options)),
    async [Symbol.asyncDispose]() {
      if (logs) await (await logs)[Symbol.asyncDispose]();
      await state[Symbol.asyncDispose]();
    },
  };
}

/** An execution's events, or an error naming the id, the store looked in, and how to find the right one. */
export async function readExecution(stores: Stores, executionId: string): Promise<LedgerEvent[]> {
  const events = await stores.state.read(executionId);
  if (events.length === 0) {
    throw new TerminalError(
      `No execution \`${executionId}\` in ${stores.where}. List executions with \`orchestrate history list\`, or pass the --workdir / --state / --redis-url the run used.`,
    );
  }
  return events;
}

/** Every execution matching the filter, newest first, across all pages. */
export async function listAll(state: StateStore, filter: { pipeline?: string; status?: readonly ExecutionStatus[]; since?: Date } = {}): Promise<ExecutionSummary[]> {
  const found: ExecutionSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await state.list({ ...filter, limit: 500, ...(cursor !== undefined ? { cursor } : {}) });
    found.push(...page.executions);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return found;
}

/** Every task of an execution as `stage.task`, in the pipeline's order. */
export function taskIdsOf(state: ExecutionState): string[] {
  return state.stages.flatMap((stage) => stage.tasks.map((task) => (stage.name === '' ? task.id : `${stage.name}.${task.id}`)));
}

/** "; did you mean `load.warehouse`?" for a misspelt `stage.task` or bare task name. */
export function taskHint(name: string, ids: readonly string[]): string {
  const byName = new Map(ids.map((id) => [id.slice(id.indexOf('.') + 1), id]));
  const bare = suggest(name, byName.keys());
  const hit = suggest(name, ids) ?? (bare === undefined ? undefined : byName.get(bare));
  return hit === undefined ? '' : `; did you mean \`${hit}\`?`;
}
