import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { createArtifactLifecycle } from '../artifacts/artifact-lifecycle.js';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { PlannedTask } from '../dag/pipeline-graph.js';
import { UsageError } from '../errors.js';
import type { OutputLine } from '../executors/executor.js';
import { LocalExecutor } from '../executors/local-executor.js';
import { createExecutorRegistry, type ExecutorRegistry } from '../executors/registry.js';
import { parseDuration } from '../spec/quantities.js';
import { renderTemplate } from '../spec/render-template.js';
import type { Pipeline } from '../spec/schema/pipeline.js';
import type { RetryPolicy } from '../spec/schema/task.js';
import type { NewEvent, Trigger } from '../state/events.js';
import type { LogStore } from '../state/log-store.js';
import type { StateStore } from '../state/state-store.js';
import type { AttemptContext } from './build-attempt.js';
import { createHookRunner } from './hooks/run-hooks.js';
import { makeGrowingRedactor, redactEvent, redactingStore } from './launch-redaction.js';
import { prepareExecution } from './prepare-execution.js';
import { localCapacity, ResourcePool, type ResourceAmount } from './resource-pool.js';
import { resumePointFrom, type ResumePoint } from './resume-point.js';
import { runExecution, type ExecutionOutcome } from './run-execution.js';

export interface LaunchOptions {
  /** Already validated. */
  pipeline: Pipeline;
  /** Relative to the repository root. */
  pipelineFile: string;
  /** `pipelineHash(...)` of the file and everything it references. */
  pipelineHash: string;
  /** The checked-out repository the tasks run from (never read through Git here). */
  workspace: string;
  /** Executions' directories live under `<workdir>/executions/<id>/`. */
  workdir: string;
  /** The commit the workspace is checked out at, when it came from Git. */
  commitSha?: string;
  /** The pipeline or a file it references had uncommitted changes when it started (`--allow-dirty`). */
  dirty?: boolean;
  trigger: Trigger;
  triggeredBy: string;
  /** Logical date YYYY-MM-DD. @defaultValue today (UTC); a resume keeps the recorded one */
  ds?: string;
  /** Variable overrides (`--vars`, `--env`). */
  overrides?: Readonly<Record<string, string>>;
  /** What `{{ env.NAME }}` reads. */
  env: Readonly<Record<string, string | undefined>>;
  /** What `{{ secrets.NAME }}` reads; every value is redacted wherever it would appear. */
  secrets: Readonly<Record<string, string | undefined>>;
  priority?: 'low' | 'normal' | 'high' | 'critical';
  traceId?: string;
  /** Execution-wide timeout in seconds. @defaultValue the pipeline's `config.timeout` */
  timeoutSeconds?: number;
  /** Tasks to record as skipped (`task` or `stage.task`). */
  skip?: ReadonlySet<string>;
  /** A cap on running tasks, under the pipeline's `max_concurrent`. */
  maxConcurrent?: number;
  /** Continue this execution instead of starting one. */
  resumeId?: string;
  /** The new execution's id, chosen by the caller (a controller names deploy runs before they start). @defaultValue a new UUID */
  executionId?: string;
  /** Configuration `retry.*`, under `config.retry_policy` and each task's `retry`. */
  retryDefaults?: RetryPolicy;
  store: StateStore;
  logStore?: LogStore;
  /** Where `output_artifacts` are stored and checked by `validation_rules`; without one they are left in the output directory. */
  artifactStore?: ArtifactStore;
  logger: Logger;
  /** Shared by the executions of one process, so they divide the machine by priority. @defaultValue a pool of `capacity` */
  pool?: ResourcePool;
  /** @defaultValue the machine's cores and memory */
  capacity?: Partial<ResourceAmount>;
  /** @defaultValue a registry with the local executor */
  executors?: ExecutorRegistry;
  /** Called once the execution has its id, before anything runs. */
  onStart?: (started: LaunchedExecution) => void;
  /** Durable events, already redacted. */
  onEvents?: (events: readonly NewEvent[]) => void;
  /** Task output lines, already redacted. */
  onOutput?: (taskId: string, attempt: number, line: OutputLine) => void;
  /** Aborting cancels the execution: children are killed, it ends `cancelled`. */
  signal?: AbortSignal;
}

export interface LaunchedExecution {
  executionId: string;
  /** The tasks' `OUTPUT_DIR`. */
  outputDir: string;
  resumed: boolean;
  /** Tasks that had succeeded before a resume. */
  succeededBefore: number;
  ds: string;
}

export interface LaunchResult extends LaunchedExecution {
  outcome: ExecutionOutcome;
}

/**
 * Turns a validated pipeline and a checked-out workspace into a running execution and waits for
 * its outcome: prepares it (or picks up `resumeId` where its ledger ends), builds the executors
 * and the resource pool, redacts secrets on every path out (ledger, logs, console), and runs the
 * engine. No process-wide state: a controller calls this once per execution.
 */
export async function launchExecution(options: LaunchOptions): Promise<LaunchResult> {
  const resume = options.resumeId !== undefined ? await readResumePoint(options) : undefined;
  const { request, context, outputDir } = prepareExecution({
    pipeline: options.pipeline,
    pipelineFile: options.pipelineFile,
    pipelineHash: options.pipelineHash,
    workspace: options.workspace,
    workdir: options.workdir,
    ds: resume?.header.ds ?? options.ds,
    overrides: { ...recordedVariables(resume), ...options.overrides },
    env: options.env,
    secrets: options.secrets,
    trigger: options.trigger,
    triggeredBy: options.triggeredBy,
    traceId: resume?.header.trace_id ?? options.traceId,
    priority: resume?.header.priority ?? options.priority,
    commitSha: resume?.header.commit_sha ?? options.commitSha,
    dirty: options.dirty,
    skip: new Set([...(options.skip ?? []), ...(resume?.skippedByUser ?? [])]),
    timeoutSeconds: options.timeoutSeconds ?? pipelineTimeout(options.pipeline),
    executionId: resume?.executionId ?? options.executionId,
  });
  // Every secret is masked, used or not: a task can print a secret it got some other way.
  for (const value of Object.values(options.secrets)) if (value) context.secrets.add(value);
  const redact = makeGrowingRedactor(context.secrets);
  if (resume) {
    request.header = resume.header;
    request.resumed = true;
    request.alreadySucceeded = resume.alreadySucceeded;
    request.previousAttempts = resume.previousAttempts;
  }
  const caps = [request.maxConcurrent, options.maxConcurrent].filter((cap): cap is number => cap !== undefined);
  request.maxConcurrent = caps.length > 0 ? Math.min(...caps) : undefined;
  request.retryDefaults = options.retryDefaults;

  const launched: LaunchedExecution = {
    executionId: request.executionId,
    outputDir,
    resumed: resume !== undefined,
    succeededBefore: resume?.alreadySucceeded.size ?? 0,
    ds: request.header.ds,
  };
  await mkdir(outputDir, { recursive: true });
  const logger = options.logger.child({ executionId: request.executionId, pipeline: options.pipeline.name });
  options.onStart?.(launched);
  if (resume?.finished?.status === 'succeeded') {
    logger.debug('execution already succeeded; nothing to resume');
    return { ...launched, outcome: { executionId: request.executionId, status: 'succeeded' } };
  }
  logger.debug({ outputDir, resumed: launched.resumed }, 'execution prepared');

  const executors = options.executors ?? createExecutorRegistry({ local: new LocalExecutor() });
  const pool = options.pool ?? new ResourcePool({ ...localCapacity(), ...options.capacity });
  const { logStore } = options;
  const render = (text: string, task?: PlannedTask) => renderTemplate(text, taskScope(context, task), context.secrets);
  const outcome = await runExecution(
    request,
    {
      store: redactingStore(options.store, redact, logStore && (() => logStore.flush())),
      executorFor: (type) => executors.executorFor(type),
      pool,
      onOutput: (taskId, attempt, line) => {
        // Per output line; Object.assign because V8 extends a `{ ...line }` copy slowly.
        logStore?.append(request.executionId, Object.assign({}, line, { task: taskId, attempt }));
        options.onOutput?.(taskId, attempt, line);
      },
      onEvents: options.onEvents && ((events) => options.onEvents?.(events.map((event) => redactEvent(event, redact)))),
      ...(options.artifactStore ? createArtifactLifecycle({ store: options.artifactStore, render: (template, { task }) => render(template, task) }) : {}),
      runHooks: createHookRunner({
        render,
        log: (level, message, fields) => logger[level](fields, message),
        workdir: options.workdir,
        workspace: options.workspace,
        secrets: context.secrets,
      }),
    },
    options.signal,
  );
  logger.debug({ status: outcome.status }, 'execution finished');
  return { ...launched, outcome };
}

async function readResumePoint(options: LaunchOptions): Promise<ResumePoint> {
  const id = options.resumeId as string;
  const events = await options.store.read(id);
  if (events.length === 0) throw new UsageError(`No execution \`${id}\` in this state store; check the id with \`orchestrate history list\`, and pass the same --state/--workdir as the run you resume.`);
  const point = resumePointFrom(events, id);
  if (point.header.pipeline_hash !== options.pipelineHash) {
    throw new UsageError(
      `Execution \`${id}\` ran another version of ${point.pipelineFile} (${point.header.pipeline_hash}, now ${options.pipelineHash}); resuming would mix two versions. Restore that version, or start a new execution.`,
    );
  }
  return point;
}

/** Recorded values win over pipeline defaults on resume, except the ones recorded as redacted. */
function recordedVariables(resume: ResumePoint | undefined): Record<string, string> {
  if (!resume) return {};
  return Object.fromEntries(Object.entries(resume.header.variables).filter(([, value]) => value !== '[redacted]'));
}

/** The execution's template scope, plus `{{ task.* }}` when a task is named (as `buildAttempt` sets it). */
function taskScope(context: AttemptContext, task: PlannedTask | undefined): AttemptContext['scope'] {
  if (!task) return context.scope;
  return Object.assign({}, context.scope, { task: { name: task.task.name, stage: task.stage.name, id: task.id } });
}

function pipelineTimeout(pipeline: Pipeline): number | undefined {
  const parsed = pipeline.config?.timeout === undefined ? undefined : parseDuration(pipeline.config.timeout);
  return parsed?.ok ? parsed.value : undefined;
}
