import { Command, Option } from 'commander';
import { addLedgerOptions } from './ledger-options.js';

export function deployListCommand(): Command {
  const command = new Command('list')
    .description('List the deployments of a branch, newest first: active, superseded, or failed with the findings that stopped them.')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'));
  return addLedgerOptions(command)
    .addHelpText('after', `
Examples:
  orchestrate deploy list --repo . --branch main
  orchestrate deploy list --format json`)
    .action(async (flags) => (await import('../actions/deploy-list.js')).listDeployments(flags));
}
