import { UsageError } from '../errors.js';
import type { ExecutionStatus, LedgerEvent } from '../state/events.js';
import type { ExecutionRequest } from './run-execution.js';
import { SKIPPED_BY_USER } from './trigger-rules.js';

type CreatedEvent = Extract<LedgerEvent, { type: 'execution.created' }>;

/** Where a dead or finished execution picks up: what `--resume ID` hands back to the engine. */
export interface ResumePoint {
  executionId: string;
  /** The pipeline file as recorded, relative to the repository root: what to load again. */
  pipelineFile: string;
  /** The recorded header, reused as is: same ds, trace id, commit, variables, priority. */
  header: ExecutionRequest['header'];
  /** Tasks whose latest verdict is `succeeded`: never run again. */
  alreadySucceeded: ReadonlySet<string>;
  /** Highest attempt number used per task: the next attempt gets a new number. */
  previousAttempts: ReadonlyMap<string, number>;
  /** Tasks skipped by `--skip-tasks` or set `skipped` by `state set`: they stay skipped. */
  skippedByUser: ReadonlySet<string>;
  /** Set when the ledger already ends with `execution.finished` (a failed or cancelled run resumed). */
  finished?: { status: Exclude<ExecutionStatus, 'pending' | 'running'>; reason?: string };
}

/**
 * Reads an execution's ledger into the state to resume from. Only a task's latest verdict
 * counts: a success overridden by `state set` to anything but `skipped` runs again, and a failure,
 * cancel or trigger-rule skip is decided afresh. A task that was running when the process died
 * has no verdict, so it gets a new attempt (at-least-once; attempts carry an idempotency key).
 */
export function resumePointFrom(events: readonly LedgerEvent[], executionId = events[0]?.execution_id ?? ''): ResumePoint {
  const created = events.find((event): event is CreatedEvent => event.type === 'execution.created');
  if (!created) {
    throw new UsageError(`Execution \`${executionId}\` cannot be resumed: its ledger has no \`execution.created\` event. Check the id with \`orchestrate history list\`.`);
  }
  const verdict = new Map<string, string>();
  const previousAttempts = new Map<string, number>();
  let finished: ResumePoint['finished'];
  for (const event of events) {
    switch (event.type) {
      case 'task.started':
      case 'task.exited':
      case 'task.retrying':
      case 'task.succeeded':
      case 'task.failed':
        previousAttempts.set(event.task, Math.max(previousAttempts.get(event.task) ?? 0, event.attempt));
        if (event.type === 'task.started') verdict.delete(event.task);
        if (event.type === 'task.succeeded' || event.type === 'task.failed') verdict.set(event.task, event.type);
        break;
      case 'task.skipped':
        verdict.set(event.task, event.reason === SKIPPED_BY_USER ? 'skipped-by-user' : event.type);
        break;
      case 'task.cancelled':
        verdict.set(event.task, event.type);
        break;
      case 'state.overridden':
        // An operator's `succeeded` or `skipped` is final; any other status asks for a new run.
        if (event.task !== undefined) verdict.set(event.task, event.status === 'succeeded' ? 'task.succeeded' : event.status === 'skipped' ? 'skipped-by-user' : `overridden:${event.status}`);
        break;
      case 'execution.finished':
        finished = { status: event.status, ...(event.reason ? { reason: event.reason } : {}) };
        break;
    }
    // Work after a finish (an earlier resume) reopens the execution.
    if (event.type === 'task.ready' || event.type === 'task.started') finished = undefined;
  }
  const withVerdict = (wanted: string) => new Set([...verdict].filter(([, value]) => value === wanted).map(([task]) => task));
  const { type: _type, pipeline: _pipeline, stages: _stages, ...header } = created;
  const { seq: _seq, execution_id: _id, mono_ns: _mono, at: _at, ...recorded } = header;
  return {
    executionId: created.execution_id,
    pipelineFile: created.pipeline_file,
    header: recorded,
    alreadySucceeded: withVerdict('task.succeeded'),
    previousAttempts,
    skippedByUser: withVerdict('skipped-by-user'),
    ...(finished ? { finished } : {}),
  };
}
