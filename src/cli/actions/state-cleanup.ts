import { TerminalError, UsageError } from '../../errors.js';
import type { ExecutionStatus } from '../../state/events.js';
import { planCleanup, removeExecution } from '../../state/cleanup.js';
import type { ExecutionSummary } from '../../state/state-store.js';
import { listAll, openStores, type StoreFlags } from './state-options.js';
import { formatMinute, formatTable } from './state-table.js';

interface StateCleanupFlags extends StoreFlags {
  olderThan?: number;
  status?: ExecutionStatus[];
  keepCount?: number;
  executionId?: string[];
  dryRun?: boolean;
  force?: boolean;
}

/** `state cleanup`: removes what the filters select, sparing running executions unless --force. */
export async function cleanUpState(flags: StateCleanupFlags): Promise<void> {
  if (flags.olderThan === undefined && flags.status === undefined && flags.keepCount === undefined && flags.executionId === undefined) {
    throw new UsageError('Say what to remove: pass --older-than (such as 30d), --status, --keep-count or --execution-id. Add --dry-run to see the list first.');
  }
  await using stores = await openStores(flags);
  const summaries = await listAll(stores.state);
  const missing = (flags.executionId ?? []).filter((id) => !summaries.some((summary) => summary.execution_id === id));
  if (missing.length > 0) throw new TerminalError(`No execution ${missing.map((id) => `\`${id}\``).join(', ')} in ${stores.where}. List executions with \`orchestrate history list\`.`);
  const plan = planCleanup(summaries, {
    now: new Date(),
    force: flags.force === true,
    ...(flags.olderThan !== undefined ? { olderThanMs: flags.olderThan } : {}),
    ...(flags.status !== undefined ? { statuses: flags.status } : {}),
    ...(flags.keepCount !== undefined ? { keepCount: flags.keepCount } : {}),
    ...(flags.executionId !== undefined ? { executionIds: flags.executionId } : {}),
  });
  for (const summary of plan.running) process.stderr.write(`Spared ${summary.execution_id}: it is ${summary.status}; pass --force to remove a running execution.\n`);
  if (flags.dryRun) {
    process.stdout.write(`Dry run: would remove ${count(plan.remove.length)} from ${stores.where}.\n${formatTable(plan.remove.map(row))}`);
  } else {
    const logs = await stores.logs();
    for (const summary of plan.remove) await removeExecution({ state: stores.state, logs, workdir: stores.loaded.config.workdir }, summary.execution_id);
    process.stdout.write(`Removed ${count(plan.remove.length)} from ${stores.where}.\n${formatTable(plan.remove.map(row))}`);
  }
  if (flags.executionId !== undefined && plan.running.length > 0) {
    throw new TerminalError(`Did not remove ${plan.running.map((summary) => summary.execution_id).join(', ')}: still running. Cancel it first, or pass --force.`);
  }
}

function row(summary: ExecutionSummary): string[] {
  return [summary.execution_id, formatMinute(summary.created_at), summary.status, summary.pipeline];
}

function count(n: number): string {
  return n === 1 ? '1 execution' : `${n} executions`;
}
