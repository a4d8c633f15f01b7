import type { PlannedTask } from '../dag/pipeline-graph.js';
import type { AttemptSpec, Executor, OutputLine } from '../executors/executor.js';
import type { Pipeline } from '../spec/schema/pipeline.js';
import type { RetryPolicy } from '../spec/schema/task.js';
import type { EventBody, ExecutionStatus, NewEvent } from '../state/events.js';
import type { StateStore } from '../state/state-store.js';
import type { ResourceAmount, ResourcePool } from './resource-pool.js';
import type { AfterSuccess, BeforeAttempt, RunHooks } from './task-lifecycle.js';

/** Everything one execution needs, resolved before it starts (the engine never reads Git). */
export interface ExecutionRequest {
  executionId: string;
  pipeline: Pipeline;
  /** Execution header recorded in `execution.created`; its `priority` orders dispatch across executions. */
  header: Omit<Extract<EventBody, { type: 'execution.created' }>, 'type' | 'stages' | 'pipeline'>;
  /** Turns a task into an attempt (templates rendered, paths resolved). */
  buildAttempt: (task: PlannedTask, attempt: number) => AttemptSpec;
  /** Resource request of a task, for admission. */
  requestOf: (task: PlannedTask) => ResourceAmount;
  /** `stage.task` or task names to record as skipped; they count as done for what follows. */
  skip?: ReadonlySet<string>;
  /** Execution-wide timeout; when it fires the execution ends `failed` with reason `timeout`. */
  timeoutSeconds?: number;
  maxConcurrent?: number;
  /** Task ids that already succeeded (resume): not run again. */
  alreadySucceeded?: ReadonlySet<string>;
  /** Attempts already used per task (resume): numbering continues, the retry budget starts afresh. */
  previousAttempts?: ReadonlyMap<string, number>;
  /** Resume: the ledger already holds `execution.created`. */
  resumed?: boolean;
  /** Configuration `retry.*` (see `retryDefaultsFromConfig`), under `config.retry_policy` and task `retry`. @defaultValue DEFAULT_RETRY */
  retryDefaults?: RetryPolicy;
}

export interface EngineDependencies {
  store: StateStore;
  executorFor: (type: string) => Executor;
  /** Executions given the same pool share its capacity and are dispatched by priority. */
  pool: ResourcePool;
  /** Task output, line by line; never written to the ledger. */
  onOutput?: (taskId: string, attempt: number, line: OutputLine) => void;
  /** Every event once durable: progress views subscribe here. */
  onEvents?: (events: readonly NewEvent[]) => void;
  /** Jitter source for retry delays. @defaultValue Math.random */
  random?: () => number;
  /** Before each attempt spawns (input artifacts); a failure fails the task without retry. */
  beforeAttempt?: BeforeAttempt;
  /** After exit 0, before the verdict (output artifacts, validation rules); a failure fails the task without retry. */
  afterSuccess?: AfterSuccess;
  /** Task hooks and pipeline notifications. */
  runHooks?: RunHooks;
}

export interface ExecutionOutcome {
  executionId: string;
  status: Exclude<ExecutionStatus, 'pending' | 'running'>;
  reason?: string;
}
