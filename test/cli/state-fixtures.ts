import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { EventBody, NewEvent } from '../../src/state/events.js';
import type { LogStore } from '../../src/state/log-store.js';
import { openLogStore } from '../../src/state/open-log-store.js';
import { openStateStore } from '../../src/state/open-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { created } from '../state/make-events.js';

/**
 * A work directory and a configuration file in a temp dir, for one backend: the CLI and the
 * test's own stores see the same data (a unique Redis key prefix per test).
 */
export interface CliWorld extends AsyncDisposable {
  root: string;
  workdir: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  state: StateStore;
  logs: LogStore;
  cli(args: readonly string[]): CliResult;
}

export async function makeWorld(backend: 'file' | 'redis' = 'file'): Promise<CliWorld> {
  const root = mkdtempSync(join(tmpdir(), 'orchestrate-cli-'));
  const workdir = join(root, 'work');
  const configPath = join(root, 'config.yaml');
  const keyPrefix = `test:${randomUUID()}:`;
  const redisUrl = inject('redisUrl');
  writeFileSync(configPath, backend === 'redis' ? `state:\n  backend: redis\n  redis_url: ${redisUrl}\n  key_prefix: "${keyPrefix}"\n` : '{}\n');
  const options = backend === 'redis' ? { backend, redisUrl, keyPrefix, workdir } : { backend, workdir };
  const state = await openStateStore(options);
  const logs = await openLogStore(options);
  // Everything the CLI reads comes from here: no REDIS_URL or config of the machine leaks in.
  const env = { ORCHESTRATION_WORKDIR: workdir, AUTO_ORCHESTRATOR_CONFIG_PATH: configPath, REDIS_URL: '', ORCHESTRATION_LOG_LEVEL: '', K8S_NAMESPACE: '', DRY_RUN: '' };
  return {
    root,
    workdir,
    configPath,
    env,
    state,
    logs,
    cli: (args) => runCli(args, { env, cwd: root }),
    async [Symbol.asyncDispose]() {
      await logs[Symbol.asyncDispose]();
      await state[Symbol.asyncDispose]();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** An event stamped at a wall time. */
export function stamped(body: EventBody, at: Date): NewEvent {
  return { ...body, mono_ns: String(BigInt(at.getTime()) * 1_000_000n), at: at.toISOString() } as NewEvent;
}

export interface SeedOptions {
  pipeline?: string;
  /** When it was created. @defaultValue now */
  createdAt?: Date;
  /** How it ended; `running` leaves it unfinished. @defaultValue 'succeeded' */
  outcome?: 'succeeded' | 'failed' | 'running';
}

/**
 * Writes the ledger of a small execution (extract.orders, extract.customers, load.warehouse): the
 * extract tasks succeed, the load task fails when the outcome is `failed`.
 */
export async function seedExecution(world: CliWorld, options: SeedOptions = {}): Promise<string> {
  const id = randomUUID();
  const start = options.createdAt ?? new Date();
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  const outcome = options.outcome ?? 'succeeded';
  const events: NewEvent[] = [stamped(created({ pipeline: options.pipeline ?? 'daily_etl' }), at(0))];
  for (const [index, task] of ['extract.orders', 'extract.customers'].entries()) {
    events.push(
      stamped({ type: 'task.started', task, attempt: 1, pid: 100 + index, idempotency_key: `${id}:${task}:1` }, at(1)),
      stamped({ type: 'task.exited', task, attempt: 1, exit_code: 0, signal: null, timed_out: false, duration_ms: 2000, resource_usage: { cpu_seconds: 0.5, memory_mb_peak: 12 } }, at(3)),
      stamped({ type: 'task.succeeded', task, attempt: 1 }, at(3)),
    );
  }
  events.push(stamped({ type: 'artifact.stored', task: 'extract.orders', path: 'orders.csv', artifact_type: 'dataset', sha256: 'a'.repeat(64), size_bytes: 42, uri: 'file:///tmp/blob' }, at(3)));
  if (outcome !== 'running') {
    events.push(stamped({ type: 'task.started', task: 'load.warehouse', attempt: 1, pid: 200, idempotency_key: `${id}:load.warehouse:1` }, at(4)));
    events.push(stamped({ type: 'task.exited', task: 'load.warehouse', attempt: 1, exit_code: outcome === 'failed' ? 3 : 0, signal: null, timed_out: false, duration_ms: 1000 }, at(5)));
    events.push(
      outcome === 'failed' ? stamped({ type: 'task.failed', task: 'load.warehouse', attempt: 1, reason: 'exit code 3' }, at(5)) : stamped({ type: 'task.succeeded', task: 'load.warehouse', attempt: 1 }, at(5)),
    );
    events.push(stamped({ type: 'execution.finished', status: outcome, ...(outcome === 'failed' ? { reason: 'a task failed' } : {}) }, at(6)));
  }
  await world.state.append({ executionId: id, events });
  return id;
}

/** Output lines as the executor hands them over (already redacted). */
export async function seedLogs(world: CliWorld, executionId: string, lines: readonly [task: string, text: string][]): Promise<void> {
  for (const [task, text] of lines) world.logs.append(executionId, { task, attempt: 1, stream: 'stdout', at: '2024-01-15T10:30:01.000Z', text });
  await world.logs.flush();
}
