import { Command, Option } from 'commander';
import { addLedgerOptions } from './ledger-options.js';

export function deployRollbackCommand(): Command {
  const command = new Command('rollback')
    .description('Re-activate an earlier good deployment and pin it: reconciles keep it until a commit newer than the current head lands, or `deploy unpin`.')
    .requiredOption('--to-sha <sha>', 'the deployed commit to go back to (a prefix of 7+ characters is enough)')
    .option('--reason <text>', 'why, kept with the pin', 'rollback')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
  return addLedgerOptions(command)
    .addHelpText('after', `
Exit codes: 0 rolled back, 2 the SHA was never a good deployment (the message lists those that were).

Example:
  orchestrate deploy rollback --repo . --to-sha 3f2a9c1 --reason "wrong totals in daily_sales"`)
    .action(async (flags) => (await import('../actions/deploy-rollback.js')).rollBackBranch(flags));
}

export function deployUnpinCommand(): Command {
  const command = new Command('unpin')
    .description('Release a rollback pin: the next reconcile deploys the branch head again.')
    .option('--reason <text>', 'why, kept in the ledger', 'unpinned');
  return addLedgerOptions(command).action(async (flags) => (await import('../actions/deploy-rollback.js')).unpinBranch(flags));
}
