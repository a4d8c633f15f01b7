import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { LocalExecutor } from '../../src/executors/local-executor.js';
import { FileStateStore } from '../../src/state/file-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { median } from '../measure.js';
import { makePipeline, type ShapeOptions } from './pipelines.js';
import { runPipeline, type EngineRun } from './run-pipeline.js';
import { chainGaps, type ChainGaps } from './step-gaps.js';

/** The stores under test, each made fresh per run so sizes and counts belong to one execution. */
export interface StoreUnderTest {
  name: 'file' | 'redis';
  open(): Promise<{ store: StateStore; ledgerBytes: (executionId: string) => number | undefined }>;
  /** Commands the store's client has sent so far (Redis only): round trips, since appends are single script calls. */
  commandsSent?: () => number;
}

export interface Workspace {
  root: string;
  executor: LocalExecutor;
}

/** A file store in a directory of its own under `root`. */
export function fileStoreUnderTest(root: string): StoreUnderTest {
  return {
    name: 'file',
    open: async () => {
      const directory = mkdtempSync(join(root, 'state-'));
      const store = new FileStateStore({ directory });
      return { store, ledgerBytes: (executionId) => statSync(join(directory, 'executions', `${executionId}.ndjson`)).size };
    },
  };
}

/** The Redis store given, with its own client's commands counted from now on. */
export function redisStoreUnderTest(store: StateStore, client: Redis): StoreUnderTest {
  let sent = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    sent++;
    return send(...args);
  }) as Redis['sendCommand'];
  return { name: 'redis', open: async () => ({ store, ledgerBytes: () => undefined }), commandsSent: () => sent };
}

export interface ScenarioRun extends EngineRun {
  tasks: number;
  /** Bytes this process wrote (`wchar` of /proc/self/io) during the run: ledger, index and socket writes. */
  bytesWritten: number;
  ledgerBytes?: number;
  /** Commands sent to Redis during the run. */
  commands?: number;
}

/** Runs one shape once on one store, measuring what it cost. */
export async function runScenario(shape: ShapeOptions, target: StoreUnderTest, workspace: Workspace, options: { stampResults?: boolean } = {}): Promise<ScenarioRun & { gaps?: ChainGaps }> {
  const pipeline = makePipeline(shape);
  const { store, ledgerBytes } = await target.open();
  try {
    const commandsBefore = target.commandsSent?.();
    const writtenBefore = writtenBytes();
    const run = await runPipeline({ pipeline, store, executor: workspace.executor, workspace: workspace.root, workdir: workspace.root, stampResults: options.stampResults === true });
    const bytesWritten = writtenBytes() - writtenBefore;
    const commands = commandsBefore === undefined ? undefined : (target.commandsSent?.() ?? 0) - commandsBefore;
    const gaps = shape.shape === 'chain' ? chainGaps(await store.read(run.executionId), run) : undefined;
    const size = ledgerBytes(run.executionId);
    return { ...run, tasks: shape.tasks, bytesWritten, ...(size !== undefined ? { ledgerBytes: size } : {}), ...(commands !== undefined ? { commands } : {}), ...(gaps ? { gaps } : {}) };
  } finally {
    if (target.name === 'file') await store[Symbol.asyncDispose]();
  }
}

/** Runs a shape `repeats` times and keeps the run of median wall time (its other figures with it). */
export async function runMedian(shape: ShapeOptions, target: StoreUnderTest, workspace: Workspace, repeats: number): Promise<ScenarioRun> {
  const runs: ScenarioRun[] = [];
  for (let index = 0; index < repeats; index++) runs.push(await runScenario(shape, target, workspace));
  const middle = median(runs.map((run) => run.wallMs));
  return runs.reduce((best, run) => (Math.abs(run.wallMs - middle) < Math.abs(best.wallMs - middle) ? run : best));
}

function writtenBytes(): number {
  const match = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return match ? Number(match[1]) : Number.NaN;
}
