import { randomUUID } from 'node:crypto';
import type { DeployedVersion, DeploymentEventBody, DeploymentFinding } from '../../state/events.js';
import { UsageError } from '../../errors.js';
import { redactUrl } from '../../validate/connections/redact-url.js';
import type { StateStore } from '../../state/state-store.js';
import { failureReason as foldedFailureReason, type Deployment, type DeploymentState } from './deployment-fold.js';
import { DeploymentLedger } from './deployment-ledger.js';

/** What the reconciler learns about a commit: its pipelines' versions and what blocks a deploy. */
export interface CommitEvaluation {
  versions: DeployedVersion[];
  /** Findings of the pipelines changed since the base (and their dependents). */
  findings: DeploymentFinding[];
  /** Error-severity findings: any makes the deployment fail. */
  errors: number;
  /** Pipelines that ask to run when they are deployed (`deploy.on_merge: run`). */
  runOnDeploy: string[];
}

export interface ReconcileDependencies {
  ledger: DeploymentLedger;
  store: StateStore;
  /** Fetches the tracked branch; returns its head SHA. */
  fetchHead(): Promise<string>;
  /** Validates `head` (only what changed since `base` when there is one); `baseVersions` are those deployed at `base`. */
  evaluate(base: string | null, head: string, baseVersions: readonly DeployedVersion[]): Promise<CommitEvaluation>;
  /** Keeps a deployed commit reachable whatever happens to the branch. */
  pin(sha: string): Promise<void>;
  /** Starts a deploy-triggered execution with the given id at the deployment's SHA. */
  /** `fresh`: the id was chosen for the record this reconcile just wrote, so nothing can have started it. */
  startExecution?(request: { executionId: string; pipeline: string; deployment: Deployment; fresh?: boolean }): Promise<void>;
  /** Identifies this replica in the lease. */
  owner: string;
  /** @defaultValue 60_000 */
  leaseMs?: number;
}

export type ReconcileOutcome =
  | { outcome: 'deployed'; head: string; deployment: Deployment }
  | { outcome: 'failed'; head: string; deployment: Deployment }
  | { outcome: 'unchanged'; head: string }
  | { outcome: 'pinned'; head: string; pinnedSha: string }
  | { outcome: 'busy' };

/**
 * One reconcile, shaped like Flux's: fetch → compare → validate → deploy → record. Idempotent:
 * running it again on the same head changes nothing, and a run killed at any moment leaves
 * either no trace or a whole deployment (one append). Executions a deployment starts are
 * named in the same append, so a restarted reconciler starts any that never began. What the
 * reconcile saw (the head, and why it is not deployed) is recorded in a `finally`, only when it
 * differs from the last record, so polling an unchanged branch appends nothing.
 */
export async function reconcileOnce(deps: ReconcileDependencies, trigger: 'reconcile' | 'sync' | 'webhook'): Promise<ReconcileOutcome> {
  const leaseName = `reconcile:${deps.ledger.ledgerId}`;
  const lease = await deps.store.acquireLease({ name: leaseName, owner: deps.owner, ttlMs: deps.leaseMs ?? 60_000 });
  if (!lease) return { outcome: 'busy' };
  const seen: { head?: string; reason: string | null } = { reason: null };
  try {
    const outcome = await reconcileHead(deps, trigger, seen);
    if (outcome.outcome === 'pinned') seen.reason = `pinned to ${outcome.pinnedSha.slice(0, 12)}`;
    return outcome;
  } catch (error) {
    seen.reason = `reconcile failed: ${redactUrl(String((error as Error)?.message ?? error))}`;
    throw error;
  } finally {
    await recordObservation(deps.ledger, seen).catch(() => undefined);
    await deps.store.releaseLease({ name: leaseName, owner: deps.owner });
  }
}

async function reconcileHead(deps: ReconcileDependencies, trigger: 'reconcile' | 'sync' | 'webhook', seen: { head?: string; reason: string | null }): Promise<ReconcileOutcome> {
  const head = await deps.fetchHead();
  seen.head = head;
  let state = await deps.ledger.state();

  if (state.pin && state.pin.branch_head_sha !== head) {
    // A commit newer than the one the rollback was made against: the pin has done its job.
    await deps.ledger.append(state, [{ type: 'deployment.unpinned', by: deps.owner, reason: `branch moved to ${head.slice(0, 12)}` }]);
    state = await deps.ledger.state();
  }
  if (state.pin) return { outcome: 'pinned', head, pinnedSha: state.pin.sha };

  if (state.active?.sha === head) {
    await startMissingExecutions(deps, state.active);
    return { outcome: 'unchanged', head };
  }
  // A head that already failed stays failed until the branch moves: no record per poll.
  const failedBefore = state.deployments.find((deployment) => deployment.sha === head && deployment.status === 'failed');
  if (failedBefore) {
    seen.reason = failureReason(failedBefore);
    return { outcome: 'failed', head, deployment: failedBefore };
  }

  const base = state.active?.sha ?? null;
  // Pinned while it is validated: a deployment is only recorded once its commit is pinned, and a
  // commit that fails stays reachable for whoever looks into why.
  // Evaluation first: its reads go out before the pin's git process is forked.
  const evaluating = deps.evaluate(base, head, state.active?.versions ?? []);
  const pinned = deps.pin(head);
  // A failed pin is reported by the `await` before the record, not as an unhandled rejection.
  pinned.catch(() => undefined);
  const evaluation = await evaluating;
  const failed = evaluation.errors > 0;
  const changes = compareVersions(state.active?.versions ?? [], evaluation.versions);
  const runs = failed ? [] : evaluation.runOnDeploy.filter((name) => changes.added.includes(name) || changes.changed.includes(name));
  const executions = runs.map(() => randomUUID());
  const record: DeploymentEventBody = {
    type: 'deployment.recorded',
    deployment_id: DeploymentLedger.newDeploymentId(),
    sha: head,
    ...(base ? { previous_sha: base } : {}),
    branch: deps.ledger.branch,
    status: failed ? 'failed' : 'active',
    trigger,
    versions: evaluation.versions,
    ...changes,
    ...(evaluation.findings.length > 0 ? { findings: evaluation.findings } : {}),
    ...(executions.length > 0 ? { executions: executions.map((id, index) => `${id}:${runs[index] as string}`) } : {}),
  };
  await pinned;
  await deps.ledger.append(state, [record]);
  const deployment = (await deps.ledger.state()).deployments.find((candidate) => candidate.sha === head) as Deployment;
  if (failed) {
    seen.reason = failureReason(deployment);
    return { outcome: 'failed', head, deployment };
  }
  await startMissingExecutions(deps, deployment, true);
  return { outcome: 'deployed', head, deployment };
}

function failureReason(deployment: Deployment): string {
  return foldedFailureReason(deployment.sha, deployment.findings);
}

async function recordObservation(ledger: DeploymentLedger, seen: { head?: string; reason: string | null }): Promise<void> {
  const state = await ledger.state();
  const head = seen.head ?? state.observed?.branch_head_sha;
  if (!head) return;
  if (state.observed && state.observed.branch_head_sha === head && state.observed.reason === seen.reason) return;
  await ledger.append(state, [{ type: 'deployment.observed', branch_head_sha: head, ...(seen.reason ? { reason: seen.reason } : {}) }]);
}

/** Pipelines whose version appeared, changed hash, or disappeared between two deployments. */
export function compareVersions(before: readonly DeployedVersion[], after: readonly DeployedVersion[]): { added: string[]; changed: string[]; removed: string[] } {
  const old = new Map(before.map((version) => [version.pipeline, version.version_hash]));
  const now = new Map(after.map((version) => [version.pipeline, version.version_hash]));
  return {
    added: [...now.keys()].filter((name) => !old.has(name)).sort(),
    changed: [...now.entries()].filter(([name, hash]) => old.has(name) && old.get(name) !== hash).map(([name]) => name).sort(),
    removed: [...old.keys()].filter((name) => !now.has(name)).sort(),
  };
}

/** Entries are `<execution id>:<pipeline>`; an execution whose ledger is empty never started. */
async function startMissingExecutions(deps: ReconcileDependencies, deployment: Deployment, fresh = false): Promise<void> {
  if (!deps.startExecution) return;
  for (const entry of deployment.executions) {
    const separator = entry.indexOf(':');
    const executionId = entry.slice(0, separator);
    const pipeline = entry.slice(separator + 1);
    if (!fresh && (await deps.store.read(executionId)).length > 0) continue;
    await deps.startExecution({ executionId, pipeline, deployment, fresh });
  }
}

/** Re-activates an earlier good deployment and pins it against the current branch head. */
export async function rollbackDeployment(
  ledger: DeploymentLedger,
  request: { toSha: string; branchHeadSha: string; by: string; reason: string },
): Promise<Deployment> {
  const state: DeploymentState = await ledger.state();
  const target = state.deployments.find((deployment) => deployment.sha.startsWith(request.toSha) && deployment.status !== 'failed');
  if (!target) {
    const good = state.deployments.filter((deployment) => deployment.status !== 'failed').map((deployment) => deployment.sha.slice(0, 12));
    throw new RollbackTargetError(request.toSha, good);
  }
  const deploymentId = DeploymentLedger.newDeploymentId();
  await ledger.append(state, [
    {
      type: 'deployment.recorded',
      deployment_id: deploymentId,
      sha: target.sha,
      ...(state.active ? { previous_sha: state.active.sha } : {}),
      branch: ledger.branch,
      status: 'active',
      trigger: 'rollback',
      versions: target.versions,
      ...compareVersions(state.active?.versions ?? [], target.versions),
    },
    { type: 'deployment.pinned', deployment_id: deploymentId, sha: target.sha, branch_head_sha: request.branchHeadSha, by: request.by, reason: request.reason },
  ]);
  return (await ledger.state()).active as Deployment;
}

/** Releases a rollback pin so the next reconcile deploys the branch head again. */
export async function unpinDeployment(ledger: DeploymentLedger, request: { by: string; reason: string }): Promise<boolean> {
  const state = await ledger.state();
  if (!state.pin) return false;
  await ledger.append(state, [{ type: 'deployment.unpinned', by: request.by, reason: request.reason }]);
  return true;
}

/** The user named a commit that was never a good deployment: fix the flag (exit 2). */
export class RollbackTargetError extends UsageError {
  constructor(
    readonly sha: string,
    readonly candidates: string[],
  ) {
    super(`No good deployment of ${sha} to roll back to; deployments that were active: ${candidates.join(', ') || 'none'}`);
  }
}
