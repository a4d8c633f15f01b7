import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import { readMirrorHead } from '../../gitops/controller/mirror-head.js';
import { rollbackDeployment, unpinDeployment } from '../../gitops/deployments/reconcile.js';
import { addLedgerOptions, openLedger, type LedgerFlags } from './controller-setup.js';

interface RollbackFlags extends LedgerFlags {
  toSha: string;
  reason: string;
  format: 'text' | 'json';
}

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
    .action(async (flags: RollbackFlags) => {
      await using opened = await openLedger(flags);
      const state = await opened.ledger.state();
      // The pin holds against the head as last seen; only a newer commit releases it.
      const branchHead = (await readMirrorHead(opened.source.mirror, flags.branch)) ?? state.observed?.branch_head_sha ?? state.active?.sha ?? flags.toSha;
      const deployment = await rollbackDeployment(opened.ledger, { toSha: flags.toSha, branchHeadSha: branchHead, by: currentUser(), reason: flags.reason });
      if (flags.format === 'json') process.stdout.write(`${JSON.stringify({ deployment, pinned_against: branchHead }, null, 2)}\n`);
      else process.stdout.write(`Rolled ${flags.branch} back to ${deployment.sha.slice(0, 12)} (deployment ${deployment.id}), pinned until a commit newer than ${branchHead.slice(0, 12)} lands; \`orchestrate deploy unpin\` releases it now.\n`);
    });
}

export function deployUnpinCommand(): Command {
  const command = new Command('unpin')
    .description('Release a rollback pin: the next reconcile deploys the branch head again.')
    .option('--reason <text>', 'why, kept in the ledger', 'unpinned');
  return addLedgerOptions(command).action(async (flags: LedgerFlags & { reason: string }) => {
    await using opened = await openLedger(flags);
    const released = await unpinDeployment(opened.ledger, { by: currentUser(), reason: flags.reason });
    process.stdout.write(released ? `Unpinned ${flags.branch}; the next reconcile deploys the branch head (\`orchestrate controller sync\` does it now).\n` : `Nothing is pinned on ${flags.branch}.\n`);
  });
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
