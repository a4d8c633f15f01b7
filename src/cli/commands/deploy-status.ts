import { Command, Option } from 'commander';
import { addLedgerOptions } from './ledger-options.js';

export function deployStatusCommand(): Command {
  const command = new Command('status')
    .description('Show the active deployment against the branch head: drift, and why (a failed validation or a rollback pin).')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--fetch', 'fetch the branch first (default: the head as of the last fetch)');
  return addLedgerOptions(command)
    .addHelpText('after', `
Examples:
  orchestrate deploy status --repo . --format json
  orchestrate deploy status --fetch`)
    .action(async (flags) => (await import('../actions/deploy-status.js')).showDeployStatus(flags));
}
