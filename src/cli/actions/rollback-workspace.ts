import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeWritable } from '../../gitops/extract-tree.js';
import type { Source } from '../../gitops/source.js';

/** The new execution's id and workspace, with the target's tree being checked out into it. */
export interface RollbackWorkspace {
  executionId: string;
  workspace: string;
  /** Resolves once the tree is in place (read-only), rejects when the checkout failed. */
  ready: Promise<void>;
  /** Removes the workspace of a rollback that will not run (its plan failed). */
  discard(): Promise<void>;
}

/**
 * Starts checking out `sha` for the rollback's execution before its plan is made: whatever the
 * plan restores or re-runs, the execution runs in the target's tree, and the checkout (a few git
 * processes) then costs nothing on the way to the first task.
 */
export function startRollbackWorkspace(workdir: string, source: Source, sha: string): RollbackWorkspace {
  const executionId = randomUUID();
  const workspace = join(workdir, 'executions', executionId, 'workspace');
  const ready = source.checkout(sha, workspace);
  // A failed checkout is reported where `ready` is awaited, not as an unhandled rejection.
  ready.catch(() => undefined);
  return {
    executionId,
    workspace,
    ready,
    async discard() {
      await ready.catch(() => undefined);
      const executionDir = join(workdir, 'executions', executionId);
      if (!existsSync(executionDir)) return;
      await makeWritable(executionDir);
      rmSync(executionDir, { recursive: true, force: true });
    },
  };
}
