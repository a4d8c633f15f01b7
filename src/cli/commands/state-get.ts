import { Command, Option } from 'commander';
import { addStoreOptions } from './store-options.js';

export function stateGetCommand(): Command {
  return addStoreOptions(
    new Command('get')
      .description('Print the state of one execution, folded from its ledger.')
      .requiredOption('--execution-id <id>', 'the execution (see `orchestrate history list`)')
      .addOption(new Option('--format <format>', 'json (the state schema), yaml, or summary (a short table)').choices(['json', 'yaml', 'summary']).default('json'))
      .option('--include-logs', 'add every task output line (already redacted)')
      .option('--include-artifacts', 'add a flat list of stored artifacts with their task')
      .option('--compact', 'JSON without whitespace')
      .option('--output <file>', 'write to a file instead of stdout'),
  )
    .addHelpText('after', `
Exit status: 0 when printed, 1 when the execution is not in the store, 2 on usage errors.

Examples:
  orchestrate state get --execution-id 3f2c… --format summary
  orchestrate state get --execution-id 3f2c… --format json --compact | jq .status`)
    .action(async (flags) => (await import('../actions/state-get.js')).getState(flags));
}
