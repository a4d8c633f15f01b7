import type { DeployedVersion, DeploymentFinding, LedgerEvent } from '../../state/events.js';

export type DeploymentStatus = 'active' | 'superseded' | 'failed';

export interface Deployment {
  id: string;
  sha: string;
  previous_sha: string | null;
  branch: string;
  status: DeploymentStatus;
  trigger: string;
  created_at: string;
  versions: DeployedVersion[];
  added: string[];
  changed: string[];
  removed: string[];
  findings: DeploymentFinding[];
  executions: string[];
}

export interface Pin {
  deployment_id: string;
  sha: string;
  /** The branch head when the pin was made: a newer head releases it. */
  branch_head_sha: string;
  by: string;
  reason: string;
  at: string;
}

/** The deployments of one repository and branch, folded from their ledger. */
export interface DeploymentState {
  /** Newest first. */
  deployments: Deployment[];
  active: Deployment | null;
  pin: Pin | null;
  /** The branch head the last reconcile saw, and why it was not deployed when it was not. */
  observed: { branch_head_sha: string; reason: string | null; at: string } | null;
  last_seq: number;
}

/** A pure fold: the active deployment is the newest `active` record; earlier ones are superseded. */
export function foldDeployments(events: readonly LedgerEvent[]): DeploymentState {
  const oldestFirst: Deployment[] = [];
  let pin: Pin | null = null;
  let observed: DeploymentState['observed'] = null;
  let lastSeq = 0;
  for (const event of events) {
    lastSeq = event.seq;
    switch (event.type) {
      case 'deployment.recorded':
        // A reconcile's record says what it saw of the branch as well, so it writes no observation beside it.
        if (event.trigger !== 'rollback') observed = { branch_head_sha: event.sha, reason: event.status === 'failed' ? failureReason(event.sha, event.findings ?? []) : null, at: event.at };
        oldestFirst.push({
          id: event.deployment_id,
          sha: event.sha,
          previous_sha: event.previous_sha ?? null,
          branch: event.branch,
          status: event.status,
          trigger: event.trigger,
          created_at: event.at,
          versions: event.versions,
          added: event.added,
          changed: event.changed,
          removed: event.removed,
          findings: event.findings ?? [],
          executions: event.executions ?? [],
        });
        break;
      case 'deployment.pinned':
        pin = { deployment_id: event.deployment_id, sha: event.sha, branch_head_sha: event.branch_head_sha, by: event.by, reason: event.reason, at: event.at };
        break;
      case 'deployment.unpinned':
        pin = null;
        break;
      case 'deployment.observed':
        observed = { branch_head_sha: event.branch_head_sha, reason: event.reason ?? null, at: event.at };
        break;
      default:
        break;
    }
  }
  let active: Deployment | null = null;
  for (let index = oldestFirst.length - 1; index >= 0; index--) {
    const deployment = oldestFirst[index] as Deployment;
    if (deployment.status === 'failed') continue;
    if (active) deployment.status = 'superseded';
    else active = deployment;
  }
  return { deployments: oldestFirst.reverse(), active, pin, observed, last_seq: lastSeq };
}

/** Why a head is not deployed when its validation failed, as the observation of it says. */
export function failureReason(sha: string, findings: readonly DeploymentFinding[]): string {
  const count = findings.filter((finding) => finding.severity === 'error').length;
  return `${sha.slice(0, 12)} failed validation (${count} error${count === 1 ? '' : 's'})`;
}

/** What `deploy status` reports: drift is an active SHA that is not the branch head, with why. */
export function deploymentStatus(state: DeploymentState, branchHeadSha: string | null): { active_sha: string | null; branch_head_sha: string | null; drift: boolean; reason: string | null; pinned: boolean; pin: Pin | null } {
  const activeSha = state.active?.sha ?? null;
  const drift = branchHeadSha !== null && activeSha !== branchHeadSha;
  let reason: string | null = null;
  if (drift) {
    const failed = state.deployments.find((deployment) => deployment.sha === branchHeadSha && deployment.status === 'failed');
    if (state.pin) reason = `pinned to ${state.pin.sha.slice(0, 12)} by ${state.pin.by}: ${state.pin.reason}`;
    else if (failed) reason = `${branchHeadSha.slice(0, 12)} failed validation (${failed.findings.length} finding${failed.findings.length === 1 ? '' : 's'})`;
    else reason = state.observed?.branch_head_sha === branchHeadSha && state.observed.reason ? state.observed.reason : 'not reconciled yet';
  }
  return { active_sha: activeSha, branch_head_sha: branchHeadSha, drift, reason, pinned: state.pin !== null, pin: state.pin };
}
