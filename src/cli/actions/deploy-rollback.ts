import { readMirrorHead } from '../../gitops/controller/mirror-head.js';
import { rollbackDeployment, unpinDeployment } from '../../gitops/deployments/reconcile.js';
import { openLedger, type LedgerFlags } from './open-ledger.js';
import { currentUser } from './current-user.js';

interface RollbackFlags extends LedgerFlags {
  toSha: string;
  reason: string;
  format: 'text' | 'json';
}

/** `deploy rollback`: re-activates an earlier good deployment, pinned against the head as last seen. */
export async function rollBackBranch(flags: RollbackFlags): Promise<void> {
  await using opened = await openLedger(flags);
  const state = await opened.ledger.state();
  // The pin holds against the head as last seen; only a newer commit releases it.
  const branchHead = (await readMirrorHead(opened.source.mirror, flags.branch)) ?? state.observed?.branch_head_sha ?? state.active?.sha ?? flags.toSha;
  const deployment = await rollbackDeployment(opened.ledger, { toSha: flags.toSha, branchHeadSha: branchHead, by: currentUser(), reason: flags.reason });
  if (flags.format === 'json') process.stdout.write(`${JSON.stringify({ deployment, pinned_against: branchHead }, null, 2)}\n`);
  else process.stdout.write(`Rolled ${flags.branch} back to ${deployment.sha.slice(0, 12)} (deployment ${deployment.id}), pinned until a commit newer than ${branchHead.slice(0, 12)} lands; \`orchestrate deploy unpin\` releases it now.\n`);
}

/** `deploy unpin`: releases a rollback pin, so the next reconcile deploys the head. */
export async function unpinBranch(flags: LedgerFlags & { reason: string }): Promise<void> {
  await using opened = await openLedger(flags);
  const released = await unpinDeployment(opened.ledger, { by: currentUser(), reason: flags.reason });
  process.stdout.write(released ? `Unpinned ${flags.branch}; the next reconcile deploys the branch head (\`orchestrate controller sync\` does it now).\n` : `Nothing is pinned on ${flags.branch}.\n`);
}
