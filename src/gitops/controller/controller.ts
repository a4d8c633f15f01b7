import type { Logger } from 'pino';
import type { StateStore } from '../../state/state-store.js';
import { deploymentStatus, type DeploymentState, type Pin } from '../deployments/deployment-fold.js';
import type { DeploymentLedger } from '../deployments/deployment-ledger.js';
import { reconcileOnce, type ReconcileDependencies } from '../deployments/reconcile.js';
import type { GitSource } from '../git-source.js';
import type { DeployRuns } from './deploy-runs.js';
import { evaluateCommit, type EvaluateRequest } from './evaluate-commit.js';
import { describeOutcome, type SyncResult } from './describe-outcome.js';
import { HeldIndexes } from './held-indexes.js';
import { readMirrorHead } from './mirror-head.js';

export type ReconcileTrigger = 'reconcile' | 'sync' | 'webhook';

/** A reconcile's outcome, or why it could not run (the message is free of credentials). */
export type { SyncResult } from './describe-outcome.js';

export interface ControllerOptions {
  source: GitSource;
  store: StateStore;
  ledger: DeploymentLedger;
  runs: DeployRuns;
  logger: Logger;
  /** This replica in the reconcile lease. */
  owner: string;
  /** Time between reconciles of the loop. @defaultValue 30_000 */
  intervalMs?: number;
  /** How long the reconcile lease outlives a controller killed mid-reconcile. @defaultValue 30_000 */
  leaseTtlMs?: number;
  /** @defaultValue 'pipelines' */
  pipelinesDir?: string;
}

/** What `GET /api/status` and `deploy status` show. */
export interface ControllerStatus {
  repository: string;
  branch: string;
  active_sha: string | null;
  active_deployment_id: string | null;
  branch_head_sha: string | null;
  drift: boolean;
  reason: string | null;
  pinned: boolean;
  pin: Pin | null;
  running_executions: string[];
}

/**
 * The controller's loop: a reconcile at start and every interval, plus one on demand (sync,
 * webhook). Reconciles run one at a time in this process; the ledger's lease keeps replicas
 * apart. Between reconciles it resumes executions a previous controller left behind.
 */
export class Controller {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Only a controller that keeps reconciling reads an index ahead; a one-off sync would only wait for it. */
  private looping = false;
  private readonly deps: ReconcileDependencies;
  private readonly indexes: HeldIndexes;

  constructor(private readonly options: ControllerOptions) {
    const { source, ledger, runs } = options;
    const pipelinesDir = options.pipelinesDir ?? 'pipelines';
    const indexes = new HeldIndexes({ source, pipelinesDir, logger: options.logger });
    this.indexes = indexes;
    this.deps = {
      ledger,
      store: options.store,
      fetchHead: () => source.fetch(ledger.branch),
      evaluate: async (base, head, baseVersions) => {
        const baseIndex = indexes.get(base);
        const onRunCandidate: EvaluateRequest['onRunCandidate'] = (candidate) => {
          runs.stageTrees(head, 1);
          runs.rememberPipeline(head, candidate.file, candidate.pipeline);
        };
        const evaluation = await evaluateCommit(source, { base, head, pipelinesDir, baseVersions, baseIndex, onRunCandidate });
        if (evaluation.index) indexes.hold(evaluation.index);
        return evaluation;
      },
      pin: (sha) => source.pin(sha),
      startExecution: (request) => runs.start(request),
      owner: options.owner,
      leaseMs: options.leaseTtlMs ?? 30_000,
    };
  }

  /** Resumes what a previous controller left, reconciles, and keeps doing so every interval. */
  start(): void {
    this.looping = true;
    const tick = async () => {
      await this.resumeOrphans();
      await this.reconcile('reconcile');
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.options.intervalMs ?? 30_000);
    };
    void tick();
  }

  /** Reconciles now, after any reconcile already running; never throws. */
  reconcile(trigger: ReconcileTrigger): Promise<SyncResult> {
    const next = this.queue.then(() => this.reconcileLogged(trigger));
    this.queue = next;
    return next;
  }

  async status(): Promise<ControllerStatus> {
    return describeStatus(await this.options.ledger.state(), await readMirrorHead(this.options.source.mirror, this.options.ledger.branch), {
      repository: this.options.source.display,
      branch: this.options.ledger.branch,
      running: this.options.runs.runningIds(),
    });
  }

  /** Stops the loop and waits for the reconcile in progress; executions are the runs' to stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.queue;
    await this.indexes.idle();
  }

  private async reconcileLogged(trigger: ReconcileTrigger): Promise<SyncResult> {
    if (this.stopped) return { outcome: 'error', message: 'the controller is shutting down' };
    let result: SyncResult;
    try {
      result = await reconcileOnce(this.deps, trigger);
    } catch (error) {
      result = { outcome: 'error', message: String((error as Error)?.message ?? error) };
    } finally {
      // The deployment's executions took their trees during the reconcile; the rest go, in the background.
      void this.options.runs.discardStagedTrees().catch((error: unknown) => this.options.logger.warn({ err: error }, 'could not remove staged trees'));
    }
    const active = activeShaAfter(result);
    if (active && this.looping && !this.stopped) this.indexes.ensure(active);
    const line = describeOutcome(result);
    const fields = { outcome: result.outcome, trigger, ...('head' in result ? { head: result.head } : {}), ...('deployment' in result ? { deploymentId: result.deployment.id } : {}) };
    if (result.outcome === 'error') this.options.logger.error(fields, line);
    else if (result.outcome === 'failed') this.options.logger.warn(fields, line);
    else this.options.logger.info(fields, line);
    return result;
  }

  private async resumeOrphans(): Promise<void> {
    try {
      const state = await this.options.ledger.state();
      const owned = new Set(state.deployments.flatMap((deployment) => deployment.executions.map((entry) => entry.slice(0, entry.indexOf(':')))));
      await this.options.runs.resumeOrphans(owned);
    } catch (error) {
      this.options.logger.error({ err: error }, `could not resume executions: ${String((error as Error)?.message ?? error)}`);
    }
  }
}

/** The commit active once a reconcile is done, when its outcome says. */
function activeShaAfter(result: SyncResult): string | null {
  if (result.outcome === 'deployed' || result.outcome === 'unchanged') return result.head;
  if (result.outcome === 'pinned') return result.pinnedSha;
  if (result.outcome === 'failed') return result.deployment.previous_sha;
  return null;
}

/** The deploy status of a ledger, with the branch head as the mirror last saw it (or the last reconcile did). */
export function describeStatus(state: DeploymentState, mirrorHead: string | null, context: { repository: string; branch: string; running?: string[] }): ControllerStatus {
  const head = mirrorHead ?? state.observed?.branch_head_sha ?? null;
  const status = deploymentStatus(state, head);
  return {
    repository: context.repository,
    branch: context.branch,
    active_sha: status.active_sha,
    active_deployment_id: state.active?.id ?? null,
    branch_head_sha: status.branch_head_sha,
    drift: status.drift,
    reason: status.reason,
    pinned: status.pinned,
    pin: status.pin,
    running_executions: context.running ?? [],
  };
}
