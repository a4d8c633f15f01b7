import type { ExecutionStatus, LedgerEvent, ResourceUsage, TaskStatus, Trigger, ValidationOutcome } from './events.js';

/**
 * The state of an execution as `state get --format json` prints it: seed 000's "State Schema"
 * plus `commit_sha`, `pipeline_hash`, `trigger`, `trace_id` and a few fields only the ledger
 * knows (`last_seq` for compare-and-set, `hooks`, `overrides`). Timestamps are the events'
 * wall clocks (ISO 8601 UTC); `null` means "has not happened".
 */
export interface ExecutionState {
  execution_id: string;
  /** The pipeline's name (empty until `execution.created` is folded). */
  pipeline: string;
  /** `running` from creation, then what `execution.finished` (or `state set`) says. */
  status: ExecutionStatus;
  /** Why the execution ended as it did (`timeout`, `a task failed`, …). */
  reason: string | null;
  /** When the execution was created. */
  started_at: string | null;
  /** When it finished; cleared when work resumes. */
  completed_at: string | null;
  /** From the wall clocks of creation and finish, millisecond precision; null while running. */
  duration_seconds: number | null;
  /** Who or what started it: a user, `schedule`, `api`. */
  triggered_by: string | null;
  trigger: Trigger | null;
  /** The commit the execution is pinned to; null for a file run outside Git. */
  commit_sha: string | null;
  /** sha256 of the pipeline file and every file it references. */
  pipeline_hash: string | null;
  trace_id: string | null;
  /** The logical date. */
  ds: string | null;
  priority: string | null;
  /** As recorded: secret values are already `[redacted]`. */
  variables: Record<string, string>;
  /** In the pipeline's order, tasks in their stage's order. */
  stages: StageState[];
  /** Every hook and notification that ran, in order. */
  hooks: HookState[];
  /** Every `state set`, in order: the audit trail of manual changes. */
  overrides: OverrideState[];
  /** The last event folded: pass it as `expectedSeq` to append on top of exactly this state. */
  last_seq: number;
  /** Present on a rollback: the execution it rolls back. */
  rollback_of?: string;
  /** Present (true) when it ran with uncommitted changes to the pipeline or its files (`--allow-dirty`). */
  dirty?: true;
}

export interface StageState {
  /** The stage's name; `''` holds tasks the layout did not name. */
  name: string;
  /** Derived from the tasks: see `deriveStageStatus`. */
  status: TaskStatus;
  /** The earliest start of its tasks. */
  started_at: string | null;
  /** The latest end of its tasks, once the stage is done. */
  completed_at: string | null;
  tasks: TaskState[];
}

export interface TaskState {
  /** The task's name within its stage. */
  id: string;
  /** From the latest task event (or `state set`). */
  status: TaskStatus;
  /** The latest attempt; 0 until the first one starts. */
  attempt: number;
  /** Of the latest attempt that exited; `null` while it runs or when it was killed by a signal. */
  exit_code: number | null;
  /** When the first attempt started. */
  started_at: string | null;
  /** When it succeeded, failed, was skipped or cancelled; cleared by a new attempt. */
  completed_at: string | null;
  /** Of the latest attempt that reported it. */
  resource_usage: ResourceUsage | null;
  /** Stored outputs, in the order they were stored. */
  artifacts: ArtifactState[];
  /** Why the task is not (yet) succeeded: failure, retry, skip or cancel reason; `null` on success. */
  error: string | null;
  /** Outcomes of `validation_rules` when they failed the task. */
  validation?: ValidationOutcome[];
  /** Present when a rollback restored the task from this execution's artifacts instead of running it. */
  restored_from?: string;
}

export interface ArtifactState {
  /** The declared output path, templated. */
  path: string;
  /** The declared artifact type (`dataset`, `model`, …). */
  type: string;
  size_bytes: number;
  /** Content address in the artifact store. */
  sha256: string;
  /** Where the artifact store keeps it. */
  uri: string;
  /** The `upload_to` copy, when the task asked for one. */
  uploaded_to: string | null;
  /** Present when `upload_to` was not honoured, and why. */
  upload_skipped?: string;
}

export interface HookState {
  /** The task whose hook it was; null for pipeline-level hooks and notifications. */
  task: string | null;
  /** `on_failure`, `on_success`, `post_hooks`, … */
  when: string;
  /** The hook type (`notify`, `webhook`, `shell`, …). */
  type: string;
  status: 'sent' | 'failed' | 'unsupported';
  message: string | null;
  at: string;
}

export interface OverrideState {
  /** The task changed, or null when the execution's own status was. */
  task: string | null;
  /** The status set, as recorded. */
  status: string;
  /** Why, as the operator wrote it. */
  message: string;
  /** Who ran `state set`. */
  by: string;
  at: string;
}

const TERMINAL_TASK: ReadonlySet<TaskStatus> = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

/**
 * Folds an execution's events, in `seq` order, into its state. Pure and total: any sequence,
 * including an empty one or one that starts mid-way, gives a state. Events naming a task the
 * `execution.created` layout does not know add it to the stage its id names (`stage.task`),
 * so nothing recorded is ever dropped from the view.
 */
export function foldExecution(events: readonly LedgerEvent[]): ExecutionState {
  const state = emptyState(events[0]?.execution_id ?? '');
  const tasks = new TaskDirectory(state);
  for (const event of events) applyEvent(state, tasks, event);
  for (const stage of state.stages) summarizeStage(stage);
  return state;
}

function emptyState(executionId: string): ExecutionState {
  return {
    execution_id: executionId,
    pipeline: '',
    status: 'pending',
    reason: null,
    started_at: null,
    completed_at: null,
    duration_seconds: null,
    triggered_by: null,
    trigger: null,
    commit_sha: null,
    pipeline_hash: null,
    trace_id: null,
    ds: null,
    priority: null,
    variables: {},
    stages: [],
    hooks: [],
    overrides: [],
    last_seq: 0,
  };
}

function applyEvent(state: ExecutionState, tasks: TaskDirectory, event: LedgerEvent): void {
  state.last_seq = event.seq;
  switch (event.type) {
    case 'execution.created':
      Object.assign(state, {
        pipeline: event.pipeline,
        // The engine creates an execution as it starts running it.
        status: 'running',
        started_at: event.at,
        triggered_by: event.triggered_by,
        trigger: event.trigger,
        commit_sha: event.commit_sha ?? null,
        pipeline_hash: event.pipeline_hash,
        trace_id: event.trace_id,
        ds: event.ds,
        priority: event.priority,
        variables: { ...event.variables },
      });
      if (event.rollback_of !== undefined) state.rollback_of = event.rollback_of;
      if (event.dirty) state.dirty = true;
      for (const stage of event.stages) for (const name of stage.tasks) tasks.declare(stage.name, name);
      return;
    case 'task.ready':
      reopen(state);
      tasks.get(event.task).status = 'ready';
      return;
    case 'task.started': {
      reopen(state);
      const task = tasks.get(event.task);
      Object.assign(task, { status: 'running', attempt: event.attempt, exit_code: null, completed_at: null, error: null });
      task.started_at ??= event.at;
      return;
    }
    case 'task.exited': {
      const task = tasks.get(event.task);
      task.exit_code = event.exit_code;
      if (event.resource_usage) task.resource_usage = { ...event.resource_usage };
      return;
    }
    case 'task.retrying':
      Object.assign(tasks.get(event.task), { status: 'retrying', error: event.reason });
      return;
    case 'task.succeeded': {
      const task = tasks.get(event.task);
      Object.assign(task, { status: 'succeeded', attempt: event.attempt, completed_at: event.at, error: null });
      if (event.restored_from !== undefined) task.restored_from = event.restored_from;
      return;
    }
    case 'task.failed': {
      const task = tasks.get(event.task);
      Object.assign(task, { status: 'failed', attempt: event.attempt, completed_at: event.at, error: event.reason });
      if (event.validation) task.validation = event.validation.map((outcome) => ({ ...outcome, measured: { ...outcome.measured } }));
      return;
    }
    case 'task.skipped':
    case 'task.cancelled':
      Object.assign(tasks.get(event.task), { status: event.type === 'task.skipped' ? 'skipped' : 'cancelled', completed_at: event.at, error: event.reason });
      return;
    case 'artifact.stored':
      tasks.get(event.task).artifacts.push({
        path: event.path,
        type: event.artifact_type,
        size_bytes: event.size_bytes,
        sha256: event.sha256,
        uri: event.uri,
        uploaded_to: event.uploaded_to ?? null,
        ...(event.upload_skipped ? { upload_skipped: event.upload_skipped } : {}),
      });
      return;
    case 'hook.ran':
      state.hooks.push({ task: event.task ?? null, when: event.when, type: event.hook_type, status: event.status, message: event.message ?? null, at: event.at });
      return;
    case 'execution.finished':
      Object.assign(state, { status: event.status, reason: event.reason ?? null, completed_at: event.at });
      state.duration_seconds = durationSeconds(state.started_at, state.completed_at);
      return;
    case 'state.overridden':
      // Applied exactly as recorded: `state set` validated it, the fold does not second-guess.
      if (event.task === undefined) state.status = event.status as ExecutionStatus;
      else tasks.get(event.task).status = event.status as TaskStatus;
      state.overrides.push({ task: event.task ?? null, status: event.status, message: event.message, by: event.by, at: event.at });
      return;
  }
}

/** Work after `execution.finished` (a resume, a task reset by `state set`) makes it run again. */
function reopen(state: ExecutionState): void {
  if (state.status === 'running') return;
  Object.assign(state, { status: 'running', reason: null, completed_at: null, duration_seconds: null });
}

function durationSeconds(start: string | null, end: string | null): number | null {
  if (start === null || end === null) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) ? Math.round(ms) / 1000 : null;
}

function summarizeStage(stage: StageState): void {
  stage.status = deriveStageStatus(stage.tasks.map((task) => task.status));
  const starts = stage.tasks.flatMap((task) => (task.started_at === null ? [] : [task.started_at]));
  stage.started_at = starts.length > 0 ? starts.reduce((a, b) => (a < b ? a : b)) : null;
  const ends = stage.tasks.flatMap((task) => (task.completed_at === null ? [] : [task.completed_at]));
  stage.completed_at = TERMINAL_TASK.has(stage.status) && ends.length > 0 ? ends.reduce((a, b) => (a > b ? a : b)) : null;
}

/**
 * A stage is done when all its tasks are: `failed` if any failed, else `cancelled` if any was,
 * else `skipped` if all were, else `succeeded`. Until then it is `running` once any task has
 * started or finished, `ready` when some task waits for capacity, and `pending` otherwise.
 */
export function deriveStageStatus(statuses: readonly TaskStatus[]): TaskStatus {
  if (statuses.length > 0 && statuses.every((status) => TERMINAL_TASK.has(status))) {
    if (statuses.includes('failed')) return 'failed';
    if (statuses.includes('cancelled')) return 'cancelled';
    return statuses.every((status) => status === 'skipped') ? 'skipped' : 'succeeded';
  }
  if (statuses.some((status) => status === 'running' || status === 'retrying' || TERMINAL_TASK.has(status))) return 'running';
  return statuses.includes('ready') ? 'ready' : 'pending';
}

/**
 * Finds a task from the id events carry. The engine names tasks `stage.task` (names are unique
 * only within a stage); a bare name is accepted when it is unique across stages.
 */
class TaskDirectory {
  private readonly byId = new Map<string, TaskState>();
  private readonly byName = new Map<string, TaskState | 'ambiguous'>();
  private readonly stages = new Map<string, StageState>();

  constructor(private readonly state: ExecutionState) {}

  declare(stageName: string, taskName: string): TaskState {
    const existing = this.byId.get(`${stageName}.${taskName}`);
    if (existing) return existing;
    const task = newTask(taskName);
    this.stageNamed(stageName).tasks.push(task);
    this.byId.set(`${stageName}.${taskName}`, task);
    this.byName.set(taskName, this.byName.has(taskName) ? 'ambiguous' : task);
    return task;
  }

  get(id: string): TaskState {
    const found = this.byId.get(id) ?? this.byName.get(id);
    if (found !== undefined && found !== 'ambiguous') return found;
    // Unknown to the layout: keep it, in the stage its id names when one matches.
    const dot = id.indexOf('.');
    const stage = dot > 0 && this.stages.has(id.slice(0, dot)) ? id.slice(0, dot) : '';
    return this.declare(stage, stage === '' ? id : id.slice(dot + 1));
  }

  private stageNamed(name: string): StageState {
    let stage = this.stages.get(name);
    if (!stage) {
      stage = { name, status: 'pending', started_at: null, completed_at: null, tasks: [] };
      this.stages.set(name, stage);
      this.state.stages.push(stage);
    }
    return stage;
  }
}

function newTask(id: string): TaskState {
  return { id, status: 'pending', attempt: 0, exit_code: null, started_at: null, completed_at: null, resource_usage: null, artifacts: [], error: null };
}
