import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { LedgerEvent } from '../state/events.js';
import { findPipelineVersion } from './find-pipeline.js';
import type { Source } from './source.js';
import type { PipelineVersion } from './versions.js';

/** What a run at a commit needs before the engine starts: the version and its workspace. */
export interface RunWorkspace {
  version: PipelineVersion;
  /** `<workdir>/executions/<id>/workspace`, read-only. */
  workspace: string;
}

/** Where an execution's tree lives: beside its output, so a resume finds it by id alone. */
export function runWorkspacePath(workdir: string, executionId: string): string {
  return join(workdir, 'executions', executionId, 'workspace');
}

/**
 * Checks out `sha` for a new execution, or, on a resume, keeps the tree the execution started
 * with (checking its SHA out again only when that tree is gone): a resumed run never picks up
 * newer code.
 */
export async function prepareRunWorkspace(source: Source, request: { workdir: string; sha: string; pipeline: string; pipelinesDir: string; executionId: string; resume: boolean }): Promise<RunWorkspace> {
  const version = await findPipelineVersion(source, request.sha, request.pipeline, request.pipelinesDir);
  const workspace = runWorkspacePath(request.workdir, request.executionId);
  const present = existsSync(workspace) && readdirSync(workspace).length > 0;
  if (!(request.resume && present)) await source.checkout(request.sha, workspace);
  return { version, workspace };
}

/** The commit and pipeline a recorded execution ran, from its `execution.created` event. */
export function recordedRun(executionId: string, events: readonly LedgerEvent[]): { sha: string; pipeline: string } {
  const created = events.find((event) => event.type === 'execution.created');
  if (!created || created.type !== 'execution.created') {
    throw new UsageError(`No execution \`${executionId}\` in this state store; check the id with \`orchestrate history list\`, and pass the same --workdir/--state as the run you resume`);
  }
  if (!created.commit_sha) {
    throw new UsageError(`Execution \`${executionId}\` did not run from a commit; resume it with \`orchestrate pipeline execute --resume ${executionId}\``);
  }
  return { sha: created.commit_sha, pipeline: created.pipeline };
}
