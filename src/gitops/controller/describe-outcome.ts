import type { ReconcileOutcome } from '../deployments/reconcile.js';

/** What one reconcile through the controller ended in: an outcome, or the error that stopped it. */
export type SyncResult = ReconcileOutcome | { outcome: 'error'; message: string };

/** One line per reconcile, for the controller's log and `controller sync`. */
export function describeOutcome(result: SyncResult): string {
  switch (result.outcome) {
    case 'deployed': {
      const { deployment } = result;
      const parts = [
        deployment.added.length > 0 ? `added ${deployment.added.join(', ')}` : '',
        deployment.changed.length > 0 ? `changed ${deployment.changed.join(', ')}` : '',
        deployment.removed.length > 0 ? `removed ${deployment.removed.join(', ')}` : '',
        deployment.executions.length > 0 ? `started ${deployment.executions.length} execution${deployment.executions.length === 1 ? '' : 's'}` : '',
      ].filter((part) => part !== '');
      return `deployed ${short(result.head)} (deployment ${deployment.id})${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
    }
    case 'failed': {
      const { deployment } = result;
      const errors = deployment.findings.filter((finding) => finding.severity === 'error');
      const first = errors[0];
      const where = first ? `; first: ${first.file}:${first.line}:${first.column} ${first.rule}: ${first.message}` : '';
      const kept = deployment.previous_sha ? `${short(deployment.previous_sha)} stays active` : 'nothing is active yet';
      return `${short(result.head)} failed validation with ${errors.length} error${errors.length === 1 ? '' : 's'}; ${kept}${where}`;
    }
    case 'unchanged':
      return `${short(result.head)} is up to date`;
    case 'pinned':
      return `pinned to ${short(result.pinnedSha)} by a rollback; branch head ${short(result.head)} waits for a newer commit or \`deploy unpin\``;
    case 'busy':
      return 'another controller is reconciling this branch; skipped';
    case 'error':
      return `reconcile failed: ${result.message}`;
  }
}

function short(sha: string): string {
  return sha.slice(0, 12);
}
