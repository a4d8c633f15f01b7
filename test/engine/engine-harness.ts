import { readdirSync } from 'node:fs';
import { prepareExecution } from '../../src/engine/prepare-execution.js';
import { ResourcePool, type ResourceAmount } from '../../src/engine/resource-pool.js';
import { runExecution, type EngineDependencies, type ExecutionOutcome, type ExecutionRequest } from '../../src/engine/run-execution.js';
import { LocalExecutor } from '../../src/executors/local-executor.js';
import { pipeline as pipelineSchema, type Pipeline } from '../../src/spec/schema/pipeline.js';
import type { LedgerEvent } from '../../src/state/events.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { makeLeakGuard } from '../executors/process-helpers.js';
import { makeTempDir } from '../helpers/temp-dir.js';

export type Events = LedgerEvent[];

/** A pipeline from a plain object, checked by the real schema so tests cannot build what users cannot. */
export function makePipeline(spec: Record<string, unknown>): Pipeline {
  return pipelineSchema.parse({ version: '2.1', name: 'engine_test', ...spec });
}

/**
 * A real engine setting for one test: a temp work directory, a file state store in it, the local
 * executor, and a leak guard whose mark every task inherits, so a process left alive is seen.
 */
export function makeEngine(capacity: ResourceAmount = { cpu: 64, memoryBytes: 64 * 2 ** 30 }) {
  const dir = makeTempDir('engine-test-');
  const store = new FileStateStore({ directory: `${dir.path}/state` });
  const executor = new LocalExecutor({ killGraceMs: 300 });
  const guard = makeLeakGuard();
  const pool = new ResourcePool(capacity);

  /** Builds the request the way `pipeline execute` does, with the guard's mark in every task's env. */
  const request = (pipeline: Pipeline, options: Partial<Parameters<typeof prepareExecution>[0]> = {}): ExecutionRequest => {
    const { request: prepared } = prepareExecution({
      pipeline,
      pipelineFile: 'pipeline.yaml',
      pipelineHash: 'test',
      workspace: dir.path,
      workdir: dir.path,
      env: {},
      secrets: {},
      trigger: 'cli',
      triggeredBy: 'test',
      ...options,
    });
    const build = prepared.buildAttempt;
    return { ...prepared, buildAttempt: (task, attempt) => { const spec = build(task, attempt); return { ...spec, env: { ...spec.env, ...guard.env, WORK: dir.path } }; } };
  };

  const run = async (req: ExecutionRequest, extra: Partial<EngineDependencies> = {}, signal?: AbortSignal): Promise<{ outcome: ExecutionOutcome; events: Events }> => {
    const outcome = await runExecution(req, { store, executorFor: () => executor, pool, random: () => 0.5, ...extra }, signal);
    return { outcome, events: await store.read(req.executionId) };
  };

  return {
    dir,
    store,
    pool,
    guard,
    request,
    run,
    /** Files under the work directory whose names start with the prefix: what tasks left behind. */
    markers: (prefix: string) => readdirSync(dir.path).filter((name) => name.startsWith(prefix)).sort(),
    async [Symbol.asyncDispose]() {
      guard.killLeaked();
      await store[Symbol.asyncDispose]();
      dir[Symbol.dispose]();
    },
  };
}

export function ofType<T extends LedgerEvent['type']>(events: Events, type: T, task?: string): Extract<LedgerEvent, { type: T }>[] {
  return events.filter((event): event is Extract<LedgerEvent, { type: T }> => event.type === type && (task === undefined || ('task' in event && event.task === task)));
}

/** Sequence number of a task's first event of a type; fails loudly when it is missing. */
export function seqOf(events: Events, type: LedgerEvent['type'], task: string): number {
  const found = ofType(events, type, task)[0];
  if (!found) throw new Error(`no ${type} for ${task} in the ledger`);
  return found.seq;
}

/** The verdict of each task, from the ledger: `stage.task → status`. */
export function verdicts(events: Events): Record<string, string> {
  const result: Record<string, string> = {};
  for (const event of events) {
    if (event.type === 'task.succeeded' || event.type === 'task.failed' || event.type === 'task.skipped' || event.type === 'task.cancelled') result[event.task] = event.type.slice('task.'.length);
  }
  return result;
}

/** Most attempts running at once, from the order of `task.started` and `task.exited` in the ledger. */
export function peakConcurrency(events: Events): number {
  let running = 0;
  let peak = 0;
  for (const event of events) {
    if (event.type === 'task.started') peak = Math.max(peak, ++running);
    if (event.type === 'task.exited') running--;
  }
  return peak;
}

/** A shell task. */
export function sh(name: string, command: string, extra: Record<string, unknown> = {}) {
  return { name, type: 'shell', command, retry: false, ...extra };
}
