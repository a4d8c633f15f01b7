import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionStatus } from './events.js';
import { assertExecutionId } from './ledger-lines.js';
import type { LogStore } from './log-store.js';
import type { ExecutionSummary, StateStore } from './state-store.js';

export interface CleanupCriteria {
  now: Date;
  /** Only executions created longer ago than this. */
  olderThanMs?: number;
  /** Only executions in one of these statuses. */
  statuses?: readonly ExecutionStatus[];
  /** Spare the N most recent executions of each pipeline, whatever else matches. */
  keepCount?: number;
  /** Only these executions. */
  executionIds?: readonly string[];
  /** Remove executions that are still running too. */
  force: boolean;
}

export interface CleanupPlan {
  /** Newest first, as listed. */
  remove: ExecutionSummary[];
  /** Matched but spared because they are running and `force` was not given. */
  running: ExecutionSummary[];
}

const UNFINISHED: ReadonlySet<ExecutionStatus> = new Set(['pending', 'running']);

/**
 * Decides what `state cleanup` removes, from every execution's summary (newest first). Pure, so
 * `--dry-run` shows exactly what a real run would do. A running execution is never removed
 * without `force`: its engine would go on appending to a ledger that no longer exists.
 */
export function planCleanup(summaries: readonly ExecutionSummary[], criteria: CleanupCriteria): CleanupPlan {
  const cutoff = criteria.olderThanMs === undefined ? undefined : criteria.now.getTime() - criteria.olderThanMs;
  const ids = criteria.executionIds === undefined ? undefined : new Set(criteria.executionIds);
  const seenPerPipeline = new Map<string, number>();
  const plan: CleanupPlan = { remove: [], running: [] };
  for (const summary of summaries) {
    const rank = (seenPerPipeline.get(summary.pipeline) ?? 0) + 1;
    seenPerPipeline.set(summary.pipeline, rank);
    if (criteria.keepCount !== undefined && rank <= criteria.keepCount) continue;
    if (ids && !ids.has(summary.execution_id)) continue;
    if (criteria.statuses && !criteria.statuses.includes(summary.status)) continue;
    if (cutoff !== undefined && !(Date.parse(summary.created_at) < cutoff)) continue;
    if (UNFINISHED.has(summary.status) && !criteria.force) plan.running.push(summary);
    else plan.remove.push(summary);
  }
  return plan;
}

/**
 * Removes everything an execution left: its task output, its own directory under the work
 * directory (checkout, outputs), then its ledger last, so an interrupted cleanup can be run
 * again and still finds the execution. Stored artifacts stay: they are shared by content and
 * are what a rollback restores.
 */
export async function removeExecution(stores: { state: StateStore; logs: LogStore; workdir: string }, executionId: string): Promise<void> {
  assertExecutionId(executionId);
  await stores.logs.remove(executionId);
  await rm(join(stores.workdir, 'executions', executionId), { recursive: true, force: true });
  await stores.state.remove(executionId);
}
