import type { PlannedTask } from '../dag/pipeline-graph.js';
import type { AttemptSpec } from '../executors/executor.js';
import type { Hook } from '../spec/schema/hooks.js';
import type { EventBody, ValidationOutcome } from '../state/events.js';

/**
 * What happens to a task around its attempts beyond running a process. The engine calls these
 * seams and appends the events they return; it knows nothing of artifacts, data rules or hook
 * transports. Each returns events instead of writing them, so the ledger has one writer.
 */

/** Before each attempt starts: materializes `input_artifacts` from other executions into the output directory. */
export interface BeforeAttemptInput {
  executionId: string;
  task: PlannedTask;
  attempt: number;
  spec: AttemptSpec;
}

/** A `failure` fails the task without running it (a missing input will not appear on retry). */
export type BeforeAttempt = (input: BeforeAttemptInput) => Promise<{ events: EventBody[]; failure?: string }>;

/** After an attempt exited 0 and before the task counts as succeeded. */
export interface AfterSuccessInput {
  executionId: string;
  task: PlannedTask;
  attempt: number;
  spec: AttemptSpec;
}

export interface AfterSuccessResult {
  /** `artifact.stored` and the like, appended before the task's verdict. */
  events: EventBody[];
  /** Set when an output is missing or a `validation_rules` rule failed: the task fails (no retry). */
  failure?: { reason: string; validation?: ValidationOutcome[] };
}

/** Stores the task's declared outputs and evaluates its `validation_rules` on them. */
export type AfterSuccess = (input: AfterSuccessInput) => Promise<AfterSuccessResult>;

/** When a hook list runs. Task-level: `on_success`, `post_hooks`, `on_failure`; pipeline-level: `notifications.*`. */
export type HookMoment = 'on_success' | 'post_hooks' | 'on_failure' | 'notifications.on_success' | 'notifications.on_failure' | 'notifications.on_retry';

export interface HookRunInput {
  executionId: string;
  when: HookMoment;
  hooks: readonly Hook[];
  /** The task the hooks belong to; absent for pipeline notifications. */
  task?: PlannedTask;
  /** The attempt's spec, when a task attempt ran (env, output dir, secrets to redact). */
  spec?: AttemptSpec;
  /** A JSON-ready summary for notify/webhook bodies: pipeline, execution, status, task, reason, ds, commit. */
  summary: Readonly<Record<string, unknown>>;
}

/** Runs hooks in order; one `hook.ran` event each. Never throws: a failed hook is an event, not a crash. */
export type RunHooks = (input: HookRunInput) => Promise<EventBody[]>;
