import { Command, Option } from 'commander';
import { EXECUTION_STATUSES, TASK_STATUSES } from '../override-statuses.js';
import { addStoreOptions } from './store-options.js';

export function stateSetCommand(): Command {
  return addStoreOptions(
    new Command('set')
      .description('Emergency: record a manual status for an execution or one task. Appends a `state.overridden` event; history is never rewritten.')
      .requiredOption('--execution-id <id>', 'the execution to change')
      .requiredOption('--status <status>', `the status to record: ${EXECUTION_STATUSES.join(', ')} for the execution; with --task also ${TASK_STATUSES.filter((s) => !EXECUTION_STATUSES.includes(s)).join(', ')}`)
      .option('--task <id>', 'the task to change (`stage.task`, or the task name when it is unique)')
      .option('--reason <text>', 'why, for the audit trail (required)')
      .addOption(new Option('--message <text>', 'the same as --reason').hideHelp())
      .option('--by <name>', 'who made the change (default: the OS user)')
      .option('--force', 'change an execution that is still running')
      .option('--dry-run', 'print the event that would be appended, append nothing'),
  )
    .addHelpText('after', `
Exit status: 0 when appended (or shown with --dry-run), 1 when the execution is missing or changed meanwhile, 2 on usage errors.

Example:
  orchestrate state set --execution-id 3f2c… --task extract.orders --status failed --reason "API endpoint down" --force`)
    .action(async (flags) => (await import('../actions/state-set.js')).setState(flags));
}
