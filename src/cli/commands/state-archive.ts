import { Command, Option } from 'commander';
import { ageMilliseconds } from './state-age.js';
import { addStoreOptions } from './store-options.js';

export function stateArchiveCommand(): Command {
  return addStoreOptions(
    new Command('archive')
      .description('Copy executions out of the state store into a local directory, one folder per execution (the store keeps them).')
      .option('--execution-id <id>', 'the execution to archive')
      .option('--older-than <duration>', 'or every execution created longer ago than this, such as 30d', ageMilliseconds)
      .requiredOption('--destination <dir>', 'local directory that receives `<execution-id>/…`')
      .addOption(new Option('--format <format>', 'json: the folded state; ndjson: every ledger event; csv: one row per task').choices(['json', 'ndjson', 'csv']).default('json'))
      .option('--compress', 'gzip every file (.gz)')
      .option('--include-logs', 'add the task output (already redacted) as logs.ndjson')
      .option('--include-artifacts', 'copy the stored artifacts, checked against their sha256, under artifacts/<task>/')
      .option('--dry-run', 'list the files that would be written, write nothing'),
  )
    .addHelpText('after', `
Exit status: 0 when archived, 1 when the execution is missing, 2 on usage errors.

Examples:
  orchestrate state archive --execution-id 3f2c… --destination ./archive --format ndjson --compress --include-logs
  orchestrate state archive --older-than 30d --destination /backup/orchestration`)
    .action(async (flags) => (await import('../actions/state-archive.js')).archiveState(flags));
}
