import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { launchExecution } from '../../engine/launch-execution.js';
import type { ResourcePool } from '../../engine/resource-pool.js';
import { resumePointFrom } from '../../engine/resume-point.js';
import { InternalError } from '../../errors.js';
import type { RetryPolicy } from '../../spec/schema/task.js';
import type { Pipeline } from '../../spec/schema/pipeline.js';
import type { LogStore } from '../../state/log-store.js';
import type { StateStore } from '../../state/state-store.js';
import type { Deployment } from '../deployments/deployment-fold.js';
import type { Source } from '../source.js';
import { versionsAt } from '../versions.js';
import { loadWorkspacePipeline, prepareWorkspace, workspaceOf } from './execution-workspace.js';
import { holdLease, type HeldLease } from './held-lease.js';
import { StagedTrees } from './staged-trees.js';

/** The reason the engine records when an execution's signal aborts it: what a controller shutdown leaves. */
export const SHUTDOWN_REASON = 'cancelled by signal';
/** The longest a spare tree's checkout waits for the runs a reconcile started. */
const SPARE_DELAY_MS = 1_000;

export interface DeployRunsOptions {
  source: Source;
  store: StateStore;
  logStore?: LogStore;
  /** Executions live in `<workdir>/executions/<id>/` (workspace, output). */
  workdir: string;
  logger: Logger;
  /** This controller in every lease it takes. */
  owner: string;
  /** How long a lease outlives a controller that stopped renewing it. @defaultValue 30_000 */
  leaseTtlMs?: number;
  /** Where pipeline files live in the repository. @defaultValue 'pipelines' */
  pipelinesDir?: string;
  /** What `{{ env.NAME }}` reads. */
  env: Readonly<Record<string, string | undefined>>;
  /** What `{{ secrets.NAME }}` reads. */
  secrets: Readonly<Record<string, string | undefined>>;
  retryDefaults?: RetryPolicy;
  /** One pool for every execution of the controller, so they share the machine. */
  pool?: ResourcePool;
  /** An artifact store for an execution running from `workspace`. */
  artifactStoreFor?(workspace: string): ArtifactStore;
}

interface Running {
  abort: AbortController;
  done: Promise<void>;
}

interface Launch {
  executionId: string;
  pipeline: Pipeline;
  file: string;
  hash: string;
  sha: string;
  workspace: string;
  lease: HeldLease;
  resume: boolean;
}

/**
 * The executions a controller runs in the background: deploy-triggered ones, and the ones a
 * previous controller left behind. Each is held by a lease `execution:<id>` renewed while it
 * runs, so exactly one controller runs it and a dead one's work can be picked up.
 */
export class DeployRuns {
  private readonly running = new Map<string, Running>();
  /** Starts and resumes between their lease and their launch: shutdown waits for them. */
  private readonly starting = new Set<Promise<unknown>>();
  /** Ids being started or resumed: leases are per owner, so this process must not take one twice. */
  private readonly claimed = new Set<string>();
  /** Owned executions that finished for good: never resumed, never read again. */
  private readonly settled = new Set<string>();
  private closing = false;
  private endGrace: (() => void) | undefined;
  private readonly trees: StagedTrees;
  /** Pipelines a reconcile validated at a commit (`<sha>\0<file>`), so its deploy runs need not read and validate them again. */
  private readonly validated = new Map<string, Pipeline>();
  /** The spare tree's checkout once it was started: part of being idle. */
  private spare: Promise<void> = Promise.resolve();

  constructor(private readonly options: DeployRunsOptions) {
    this.trees = new StagedTrees(options.source, options.workdir, options.logger);
  }

  /** Starts checking out `sha` for `count` executions a deployment is about to start (see `StagedTrees`). */
  stageTrees(sha: string, count: number): void {
    if (!this.closing) this.trees.stage(sha, count);
  }

  /**
   * Removes the trees staged for executions that did not start (a deployment that failed, or
   * nothing changed), and checks out the spare tree the next deployment's run will be brought to
   * its commit from. That checkout waits until the runs started meanwhile are done, or for
   * SPARE_DELAY_MS: its git processes would otherwise compete with their first tasks.
   */
  discardStagedTrees(): Promise<void> {
    this.validated.clear();
    const discarded = this.trees.discard();
    if (!this.closing) {
      this.spare = Promise.race([this.runsDone(), sleep(SPARE_DELAY_MS, undefined, { ref: false })])
        .then(() => (this.closing ? undefined : this.trees.prepareSpare()))
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'could not check out a spare tree'));
    }
    return discarded;
  }

  /**
   * Keeps the pipeline a reconcile validated in `file` at `sha` for the deploy run it may start
   * there: the workspace holds the same bytes, so reading and validating them again would only
   * delay the run's first task. Forgotten when the reconcile ends (`discardStagedTrees`).
   */
  rememberPipeline(sha: string, file: string, pipeline: Pipeline): void {
    if (!this.closing) this.validated.set(`${sha}\0${file}`, pipeline);
  }

  /** Ids of the executions running in this process. */
  runningIds(): string[] {
    return [...this.running.keys()];
  }

  /** Starts a deploy-triggered execution under its pre-assigned id, unless someone already did. */
  start(request: { executionId: string; pipeline: string; deployment: Deployment; fresh?: boolean }): Promise<void> {
    return this.whileStarting(request.executionId, () => this.startNow(request), undefined);
  }

  private async startNow(request: { executionId: string; pipeline: string; deployment: Deployment; fresh?: boolean }): Promise<void> {
    const { executionId, deployment } = request;
    if (this.closing) return;
    const version = deployment.versions.find((candidate) => candidate.pipeline === request.pipeline);
    if (!version) throw new InternalError(`Deployment ${deployment.id} names execution ${executionId} of \`${request.pipeline}\` but has no version of it`);
    const lease = await this.takeLease(executionId);
    if (!lease) return;
    try {
      // Events mean a previous life of this controller (or another replica) started it: resuming is the other path.
      // (An id its reconcile just chose for its record cannot have any.)
      if (!request.fresh && (await this.options.store.read(executionId)).length > 0) return await lease.release();
      const workspace = workspaceOf(this.options.workdir, executionId);
      await prepareWorkspace(this.options.source, deployment.sha, workspace, { fresh: true, staged: this.trees });
      const pipeline = this.validated.get(`${deployment.sha}\0${version.file}`) ?? (await loadWorkspacePipeline(workspace, version.file));
      this.launch({ executionId, pipeline, file: version.file, hash: version.version_hash, sha: deployment.sha, workspace, lease, resume: false });
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  /**
   * Resumes the executions among `owned` that no live controller holds: `running` ones whose
   * lease expired (their controller died) and ones a controller shutdown cancelled. Each is
   * read once more only until it is known to have finished for good.
   */
  async resumeOrphans(owned: ReadonlySet<string>): Promise<string[]> {
    const resumed: string[] = [];
    for (const executionId of owned) {
      if (this.closing) break;
      if (this.settled.has(executionId)) continue;
      if (await this.whileStarting(executionId, () => this.resumeOne(executionId), false)) resumed.push(executionId);
    }
    return resumed;
  }

  /** Resolves when every execution running now has finished, and so has the spare tree's checkout. */
  async idle(): Promise<void> {
    await this.runsDone();
    await this.spare;
  }

  private async runsDone(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((run) => run.done));
  }

  /**
   * Stops taking work, lets running executions finish for `graceMs`, then cancels the rest:
   * their ledgers end `cancelled` with SHUTDOWN_REASON and their leases are released, so the
   * next controller resumes them at once. Returns the ids it cancelled.
   */
  async shutdown(graceMs: number): Promise<string[]> {
    this.closing = true;
    await Promise.allSettled([...this.starting]);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      this.endGrace = resolve;
    });
    await Promise.race([this.idle(), grace]);
    clearTimeout(timer);
    const left = [...this.running.entries()];
    for (const [, run] of left) run.abort.abort(new Error('the controller is shutting down'));
    await Promise.allSettled([...left.map(([, run]) => run.done), this.trees.close()]);
    return left.map(([id]) => id);
  }

  /** Ends a shutdown's grace period now (a second signal): what still runs is cancelled at once. */
  cancelNow(): void {
    this.endGrace?.();
  }

  /** Runs `work` for one id unless the id is running or already being started here (then `skipped`). */
  private async whileStarting<T>(executionId: string, work: () => Promise<T>, skipped: T): Promise<T> {
    if (this.running.has(executionId) || this.claimed.has(executionId)) return skipped;
    this.claimed.add(executionId);
    const started = work();
    this.starting.add(started);
    try {
      return await started;
    } finally {
      this.starting.delete(started);
      this.claimed.delete(executionId);
    }
  }

  private async resumeOne(executionId: string): Promise<boolean> {
    const lease = await this.takeLease(executionId);
    if (!lease) return false;
    try {
      // Read under the lease, so no other controller can be resuming it meanwhile.
      const events = await this.options.store.read(executionId);
      // Never started: the next reconcile starts it.
      if (events.length === 0) return await lease.release().then(() => false);
      const point = resumePointFrom(events, executionId);
      const sha = point.header.commit_sha;
      const leftByShutdown = point.finished?.status === 'cancelled' && point.finished.reason === SHUTDOWN_REASON;
      if ((point.finished && !leftByShutdown) || !sha) {
        this.settled.add(executionId);
        await lease.release();
        return false;
      }
      const workspace = workspaceOf(this.options.workdir, executionId);
      // The recorded workspace, or the recorded commit checked out again when it is gone.
      await prepareWorkspace(this.options.source, sha, workspace, { fresh: false });
      const pipeline = await loadWorkspacePipeline(workspace, point.pipelineFile);
      const { versions } = await versionsAt(this.options.source, sha, { pipelinesDir: this.options.pipelinesDir });
      const hash = versions.find((version) => version.file === point.pipelineFile)?.hash ?? point.header.pipeline_hash;
      this.launch({ executionId, pipeline, file: point.pipelineFile, hash, sha, workspace, lease, resume: true });
      return true;
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  private takeLease(executionId: string): Promise<HeldLease | undefined> {
    const logger = this.options.logger;
    return holdLease(this.options.store, {
      name: `execution:${executionId}`,
      owner: this.options.owner,
      ttlMs: this.options.leaseTtlMs ?? 30_000,
      onLost: (error) => logger.warn({ executionId, err: error }, `lost the lease of execution ${executionId}; another controller may resume it`),
    });
  }

  private launch(launch: Launch): void {
    const { executionId, workspace, lease } = launch;
    const options = this.options;
    const abort = new AbortController();
    const logger = options.logger.child({ executionId });
    logger.info({ pipeline: launch.pipeline.name, sha: launch.sha, resumed: launch.resume }, `${launch.resume ? 'resuming' : 'starting'} execution ${executionId} of ${launch.pipeline.name} at ${launch.sha.slice(0, 12)}`);
    const done = launchExecution({
      pipeline: launch.pipeline,
      pipelineFile: launch.file,
      pipelineHash: launch.hash,
      workspace,
      workdir: options.workdir,
      commitSha: launch.sha,
      trigger: 'deploy',
      triggeredBy: options.owner,
      ...(launch.resume ? { resumeId: executionId } : { executionId }),
      env: options.env,
      secrets: options.secrets,
      ...(options.retryDefaults ? { retryDefaults: options.retryDefaults } : {}),
      store: options.store,
      ...(options.logStore ? { logStore: options.logStore } : {}),
      ...(options.artifactStoreFor ? { artifactStore: options.artifactStoreFor(workspace) } : {}),
      ...(options.pool ? { pool: options.pool } : {}),
      logger,
      signal: abort.signal,
    })
      .then(
        (result) => logger.info({ status: result.outcome.status }, `execution ${executionId} of ${launch.pipeline.name} ${result.outcome.status}`),
        (error: unknown) => logger.error({ err: error }, `execution ${executionId} of ${launch.pipeline.name} could not run`),
      )
      .finally(async () => {
        await lease.release().catch((error: unknown) => logger.warn({ err: error }, `could not release the lease of execution ${executionId}`));
        this.running.delete(executionId);
        // Finished while the controller runs: for good. Cancelled by a shutdown: for the next controller.
        if (!this.closing) this.settled.add(executionId);
      });
    this.running.set(executionId, { abort, done });
  }
}
