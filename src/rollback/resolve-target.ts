import { UsageError } from '../errors.js';
import type { DeploymentState } from '../gitops/deployments/deployment-fold.js';
import type { Source } from '../gitops/source.js';
import type { LedgerEvent } from '../state/events.js';
import { foldExecution, type ExecutionState } from '../state/fold.js';
import type { StateStore } from '../state/state-store.js';
import type { RollbackStrategy } from './plan-rollback.js';

type CreatedEvent = Extract<LedgerEvent, { type: 'execution.created' }>;

export interface RollbackRequest {
  /** The execution rolled back (X). It is never changed. */
  executionId: string;
  strategy: RollbackStrategy;
  /** Y: go back to the commit and artifacts of this execution. */
  toExecutionId?: string;
  /** Go back to this commit (a branch, tag or SHA, resolved once). */
  toSha?: string;
  /** Go back to the commit of the deployment active at this time. */
  toTimestamp?: Date;
}

/** An execution as its ledger tells it. */
export interface RecordedExecution {
  executionId: string;
  state: ExecutionState;
  created: CreatedEvent;
  /** The commit it ran. */
  sha: string;
}

export interface RollbackTarget {
  rolledBack: RecordedExecution;
  /** The commit the rollback runs. */
  sha: string;
  /** How `sha` was chosen, in words for the plan. */
  chosenBy: string;
  /** Whose artifacts are restored; absent for `revert`. */
  source?: RecordedExecution;
  /** The logical date and variables the rollback runs with: the source's, else X's. */
  ds: string;
  variables: Record<string, string>;
}

export interface TargetDependencies {
  store: StateStore;
  source: Source;
  /** The deployments of the tracked branch, for `toTimestamp`. */
  deployments?: () => Promise<DeploymentState>;
}

/**
 * Reads X (and Y) from the ledger and decides the commit a rollback runs and whose artifacts it
 * restores: `revert` restores nothing; `restart` stays on the source's own commit; `checkpoint`
 * goes to the target commit and restores from Y, or from X itself when only a commit or a time
 * is given (tasks unchanged since then need not run again).
 */
export async function resolveRollbackTarget(deps: TargetDependencies, request: RollbackRequest): Promise<RollbackTarget> {
  const targets = [request.toExecutionId, request.toSha, request.toTimestamp].filter((value) => value !== undefined).length;
  if (targets > 1) throw new UsageError('Give one of --to-execution-id, --to-sha and --to-timestamp, not several');
  if (request.strategy === 'restart' && (request.toSha !== undefined || request.toTimestamp !== undefined)) {
    throw new UsageError('--strategy restart re-runs an execution\'s own commit; to change commit use --strategy checkpoint or revert with --to-sha or --to-timestamp');
  }
  if (request.strategy !== 'restart' && targets === 0) throw new UsageError(`--strategy ${request.strategy} needs a target: --to-execution-id, --to-sha or --to-timestamp`);

  const rolledBack = await readRecorded(deps.store, request.executionId, '--execution-id');
  const wanted = request.toExecutionId === undefined ? undefined : await readRecorded(deps.store, request.toExecutionId, '--to-execution-id');
  if (wanted && wanted.created.pipeline !== rolledBack.created.pipeline) {
    throw new UsageError(`Execution ${wanted.executionId} ran pipeline \`${wanted.created.pipeline}\`, not \`${rolledBack.created.pipeline}\`; pick an execution of the same pipeline (\`orchestrate history list --pipeline ${rolledBack.created.pipeline}\`)`);
  }
  const source = request.strategy === 'revert' ? undefined : (wanted ?? rolledBack);
  let sha: string;
  let chosenBy: string;
  if (wanted) [sha, chosenBy] = [wanted.sha, `the commit of execution ${wanted.executionId}`];
  else if (request.toSha !== undefined) [sha, chosenBy] = [await deps.source.resolve(request.toSha), `--to-sha ${request.toSha}`];
  else if (request.toTimestamp !== undefined) [sha, chosenBy] = await deployedAt(deps, request.toTimestamp);
  else [sha, chosenBy] = [rolledBack.sha, `the commit of execution ${rolledBack.executionId}`];
  const recorded = source ?? rolledBack;
  const variables = Object.fromEntries(Object.entries(recorded.created.variables).filter(([, value]) => value !== '[redacted]'));
  return { rolledBack, sha, chosenBy, ...(source ? { source } : {}), ds: recorded.created.ds, variables };
}

async function readRecorded(store: StateStore, executionId: string, flag: string): Promise<RecordedExecution> {
  const events = await store.read(executionId);
  const created = events.find((event): event is CreatedEvent => event.type === 'execution.created');
  if (!created) throw new UsageError(`${flag}: no execution \`${executionId}\` in this state store; check the id with \`orchestrate history list\` and pass the same --workdir/--state as the run`);
  if (!created.commit_sha) {
    throw new UsageError(`${flag}: execution ${executionId} ran from a working tree, not a commit, so there is nothing to go back to; rollbacks work on executions started with \`orchestrate run\` or by the controller`);
  }
  return { executionId, state: foldExecution(events), created, sha: created.commit_sha };
}

/** The newest good deployment recorded at or before `at`: the one that was active then. */
async function deployedAt(deps: TargetDependencies, at: Date): Promise<[string, string]> {
  if (!deps.deployments) throw new UsageError('--to-timestamp needs the deployment ledger: pass --repo and --branch of the tracked repository');
  const state = await deps.deployments();
  const active = state.deployments.find((deployment) => deployment.status !== 'failed' && Date.parse(deployment.created_at) <= at.getTime());
  if (!active) {
    const first = state.deployments.filter((deployment) => deployment.status !== 'failed').at(-1);
    throw new UsageError(`No deployment was active at ${at.toISOString()}${first ? `; the first one was made at ${first.created_at} (${first.sha.slice(0, 12)})` : '; this branch has no good deployment yet (`orchestrate deploy list`)'}`);
  }
  return [active.sha, `the deployment ${active.id} active at ${at.toISOString()}`];
}
