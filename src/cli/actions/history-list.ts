import type { ExecutionStatus } from '../../state/events.js';
import type { ExecutionSummary } from '../../state/state-store.js';
import { openStores, type StoreFlags } from './state-options.js';
import { formatMinute, formatSpan, formatTable } from './state-table.js';

interface HistoryListFlags extends StoreFlags {
  pipeline?: string;
  status?: ExecutionStatus[];
  last?: number;
  limit: number;
  format: 'table' | 'json';
}

/** `history list`: one page of executions, newest first. */
export async function listHistory(flags: HistoryListFlags): Promise<void> {
  await using stores = await openStores(flags);
  const page = await stores.state.list({
    limit: flags.limit,
    ...(flags.pipeline !== undefined ? { pipeline: flags.pipeline } : {}),
    ...(flags.status !== undefined ? { status: flags.status } : {}),
    ...(flags.last !== undefined ? { since: new Date(Date.now() - flags.last) } : {}),
  });
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify(page.executions, null, 2)}\n`);
    return;
  }
  process.stdout.write(formatTable(page.executions.map(row)));
  if (page.executions.length === 0) process.stderr.write(`No executions match in ${stores.where}.\n`);
}

function row(summary: ExecutionSummary): string[] {
  const duration = summary.finished_at ? formatSpan(summary.created_at, summary.finished_at) : '-';
  return [summary.execution_id, formatMinute(summary.created_at), summary.status, duration, summary.pipeline];
}
