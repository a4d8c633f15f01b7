import { describeStatus, type ControllerStatus } from '../../gitops/controller/controller.js';
import { readMirrorHead } from '../../gitops/controller/mirror-head.js';
import { openLedger, type LedgerFlags } from './open-ledger.js';

interface StatusFlags extends LedgerFlags {
  format: 'text' | 'json';
  fetch?: boolean;
}

/** `deploy status`: the active deployment against the branch head. */
export async function showDeployStatus(flags: StatusFlags): Promise<void> {
  await using opened = await openLedger(flags);
  if (flags.fetch) await opened.source.fetch(flags.branch);
  const head = await readMirrorHead(opened.source.mirror, flags.branch);
  const status = describeStatus(await opened.ledger.state(), head, { repository: opened.source.display, branch: flags.branch });
  const { running_executions: _running, ...shown } = status;
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify(shown, null, 2)}\n` : formatStatus(status));
}

function formatStatus(status: ControllerStatus): string {
  const short = (sha: string | null) => (sha ? sha.slice(0, 12) : 'none');
  const lines = [
    `repository:  ${status.repository} (${status.branch})`,
    `active:      ${short(status.active_sha)}${status.active_deployment_id ? ` (deployment ${status.active_deployment_id})` : ''}`,
    `branch head: ${status.branch_head_sha ? short(status.branch_head_sha) : 'unknown (never fetched; pass --fetch)'}`,
    `drift:       ${status.drift ? `yes: ${status.reason ?? ''}` : 'no'}`,
    `pinned:      ${status.pin ? `yes, to ${short(status.pin.sha)} by ${status.pin.by} (${status.pin.reason}); \`orchestrate deploy unpin\` releases it` : 'no'}`,
  ];
  return `${lines.join('\n')}\n`;
}
