import { Command, Option } from 'commander';
import { wholeCount } from '../quantity-options.js';
import { addStoreOptions } from './store-options.js';

export function logsCommand(): Command {
  return addStoreOptions(
    new Command('logs')
      .description('Print the task output of an execution (secrets were redacted before it was stored).')
      .requiredOption('--execution-id <id>', 'the execution')
      .option('--task <name>', 'only this task (`stage.task` or the task name)')
      .option('--follow', 'keep printing new lines until the execution finishes (or Ctrl-C)')
      .option('--lines <n>', 'print the last N lines first', wholeCount, 100)
      .option('--full', 'print every line, not only the last --lines')
      .option('--timestamps', 'start each line with the time it was written')
      .addOption(new Option('--format <format>', 'text, or json: one object per line with timestamp, task, attempt, stream, level, message').choices(['text', 'json']).default('text')),
  )
    .addHelpText('after', `
Exit status: 0 when printed, 1 when the execution is missing, 2 on usage errors (such as an unknown task).

Examples:
  orchestrate logs --execution-id 3f2c… --follow
  orchestrate logs --execution-id 3f2c… --task extract_orders --full > extract_orders.log
  orchestrate logs --execution-id 3f2c… --timestamps --format json | jq -r '"\\(.timestamp) \\(.task) \\(.level): \\(.message)"'`)
    .action(async (flags) => (await import('../actions/logs.js')).printLogs(flags));
}
