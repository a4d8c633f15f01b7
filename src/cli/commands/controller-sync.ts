import { Command, Option } from 'commander';
import { DEFAULT_PIPELINES_DIR } from '../pipelines-dir.js';
import { addLedgerOptions } from './ledger-options.js';

export function controllerSyncCommand(): Command {
  const command = new Command('sync')
    .description('Reconcile now: through the running controller when there is one, else once in this process (waiting for deploy-triggered executions).')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--pipelines-dir <dir>', 'where pipeline files live in the repository (in-process only)', DEFAULT_PIPELINES_DIR);
  addLedgerOptions(command);
  return command
    .addHelpText('after', `
Exit codes: 0 deployed, unchanged or pinned; 1 the head failed validation or the reconcile could not run; 2 usage error.

Examples:
  orchestrate controller sync
  orchestrate controller sync --repo . --branch main --format json`)
    .action(async (flags) => (await import('../actions/controller-sync.js')).syncController(flags));
}
