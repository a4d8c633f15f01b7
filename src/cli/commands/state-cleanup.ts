import { Command } from 'commander';
import { collect } from '../options.js';
import { wholeCount } from '../quantity-options.js';
import { ageMilliseconds } from './state-age.js';
import { addStoreOptions, statusList } from './store-options.js';

export function stateCleanupCommand(): Command {
  return addStoreOptions(
    new Command('cleanup')
      .description('Remove old executions: their ledgers, task output and execution directories (stored artifacts stay).')
      .option('--older-than <duration>', 'only executions created longer ago than this, such as 30d or 12h', ageMilliseconds)
      .option('--status <list>', 'only these statuses, comma-separated (succeeded,failed)', statusList)
      .option('--keep-count <n>', 'spare the N most recent executions of each pipeline', wholeCount)
      .option('--execution-id <id>', 'only this execution (repeatable)', collect)
      .option('--dry-run', 'list what would be removed, remove nothing')
      .option('--force', 'also remove executions that are still running'),
  )
    .addHelpText('after', `
Never asks: without --force, running executions are spared and listed on stderr.
Exit status: 0 when done, 1 when a named execution is missing or running, 2 on usage errors.

Example:
  orchestrate state cleanup --older-than 90d --status succeeded,failed --keep-count 10 --dry-run`)
    .action(async (flags) => (await import('../actions/state-cleanup.js')).cleanUpState(flags));
}
