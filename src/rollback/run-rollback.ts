import { mkdir } from 'node:fs/promises';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { restoreArtifacts } from '../artifacts/restore-artifacts.js';
import { TerminalError } from '../errors.js';
import { launchExecution, type LaunchOptions, type LaunchResult } from '../engine/launch-execution.js';
import { prepareExecution } from '../engine/prepare-execution.js';
import type { NewEvent } from '../state/events.js';
import type { ExecutionState } from '../state/fold.js';
import type { RollbackPlan } from './plan-rollback.js';
import { verifyRestored } from './verify-restored.js';

export interface RunRollbackOptions extends Omit<LaunchOptions, 'resumeId' | 'trigger' | 'executionId' | 'ds' | 'artifactStore' | 'commitSha'> {
  /** The new execution's id, chosen by the caller so it can be printed before anything is written. */
  executionId: string;
  /** The commit the workspace holds. */
  commitSha: string;
  ds: string;
  /** The execution rolled back: recorded as `rollback_of`, never changed. */
  rollbackOf: string;
  plan: RollbackPlan;
  /** The execution `plan.restored` comes from; required when the plan restores anything. */
  source?: ExecutionState;
  artifactStore: ArtifactStore;
  /** Check every restored file's sha256 against the source's ledger before running anything. @defaultValue false */
  verify?: boolean;
}

/**
 * Runs a rollback as a new execution: records `execution.created` (trigger `rollback`,
 * `rollback_of`), brings back the artifacts of the restored tasks into its output directory
 * (recorded as `artifact.stored` with the source's sha256, and `task.succeeded` with
 * `restored_from` at attempt 0), then hands the rest to the engine as a resume of that
 * ledger, so restored tasks never run and a crash mid-rollback resumes like any execution.
 */
export async function runRollback(options: RunRollbackOptions): Promise<LaunchResult> {
  const { request, outputDir } = prepareExecution({ ...options, trigger: 'rollback', executionId: options.executionId });
  const stages = options.pipeline.stages.map((stage) => ({ name: stage.name, tasks: stage.tasks.map((task) => task.name) }));
  const now = () => ({ at: new Date().toISOString(), mono_ns: process.hrtime.bigint().toString() });
  const created = { type: 'execution.created', pipeline: options.pipeline.name, stages, ...request.header, rollback_of: options.rollbackOf, ...now() } as NewEvent;
  await options.store.append({ executionId: options.executionId, events: [created], expectedSeq: 0 });
  try {
    await mkdir(outputDir, { recursive: true });
    await options.store.append({ executionId: options.executionId, events: await restoreEvents(options, outputDir) });
  } catch (error) {
    const reason = `restoring artifacts failed: ${(error as Error).message}`;
    await options.store.append({ executionId: options.executionId, events: [{ type: 'execution.finished', status: 'failed', reason, ...now() }] });
    throw new TerminalError(`Rollback ${options.executionId} stopped before running anything: ${reason}`, { cause: error });
  }
  return launchExecution({ ...options, trigger: 'rollback', resumeId: options.executionId });
}

async function restoreEvents(options: RunRollbackOptions, outputDir: string): Promise<NewEvent[]> {
  const { restored } = options.plan;
  if (restored.length === 0) return [];
  const source = options.source;
  if (!source) throw new TerminalError('the plan restores tasks but names no execution to restore them from');
  const stored = await restoreArtifacts({
    store: options.artifactStore,
    fromExecutionId: source.execution_id,
    toExecutionId: options.executionId,
    tasks: restored.filter((task) => task.artifacts.length > 0).map((task) => task.task),
    outputDir,
    verify: options.verify === true,
  });
  if (options.verify) {
    const problems = await verifyRestored(restored, source, outputDir);
    if (problems.length > 0) throw new TerminalError(`--verify found ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`);
  }
  const at = new Date().toISOString();
  const mono = process.hrtime.bigint().toString();
  return [
    ...stored.map(({ upload_skipped: _skipped, ...event }) => ({ ...event, at, mono_ns: mono })),
    ...restored.map((task) => ({ type: 'task.succeeded' as const, task: task.task, attempt: 0, restored_from: source.execution_id, at, mono_ns: mono })),
  ];
}
