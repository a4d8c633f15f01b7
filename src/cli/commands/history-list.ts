import { Command, Option } from 'commander';
import type { ExecutionStatus } from '../../state/events.js';
import type { ExecutionSummary } from '../../state/state-store.js';
import { positiveInteger } from '../options.js';
import { ageMilliseconds } from './state-age.js';
import { addStoreOptions, openStores, statusList, type StoreFlags } from './state-options.js';
import { formatMinute, formatSpan, formatTable } from './state-table.js';

interface HistoryListFlags extends StoreFlags {
  pipeline?: string;
  status?: ExecutionStatus[];
  last?: number;
  limit: number;
  format: 'table' | 'json';
}

export function historyListCommand(): Command {
  return addStoreOptions(
    new Command('list')
      .description('List executions, newest first: one line each, so `| wc -l` counts them.')
      .option('--pipeline <name>', 'only this pipeline')
      .option('--status <list>', 'only these statuses, comma-separated (succeeded,failed)', statusList)
      .option('--last <duration>', 'only executions created within this long, such as 24h or 7d', ageMilliseconds)
      .option('--limit <n>', 'at most this many', positiveInteger, 50)
      .addOption(new Option('--format <format>', 'table (id, created, status, duration, pipeline) or json').choices(['table', 'json']).default('table')),
  )
    .addHelpText('after', `
Examples:
  orchestrate history list --pipeline daily_sales_etl --status succeeded --limit 5
  orchestrate history list --last 24h --status failed | wc -l`)
    .action(async (flags: HistoryListFlags) => {
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
    });
}

function row(summary: ExecutionSummary): string[] {
  const duration = summary.finished_at ? formatSpan(summary.created_at, summary.finished_at) : '-';
  return [summary.execution_id, formatMinute(summary.created_at), summary.status, duration, summary.pipeline];
}
