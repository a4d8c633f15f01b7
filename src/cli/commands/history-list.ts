import { Command, Option } from 'commander';
import { positiveInteger } from '../options.js';
import { ageMilliseconds } from './state-age.js';
import { addStoreOptions, statusList } from './store-options.js';

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
    .action(async (flags) => (await import('../actions/history-list.js')).listHistory(flags));
}
