import { describe, expect, it } from 'vitest';
import type { EventBody, TaskStatus } from '../../src/state/events.js';
import { deriveStageStatus, foldExecution, type ExecutionState, type TaskState } from '../../src/state/fold.js';
import { at, created, ledger } from './make-events.js';

const ID = '6f1c2a7e-0000-4000-8000-000000000001';

function fold(...bodies: EventBody[]): ExecutionState {
  return foldExecution(ledger(ID, ...bodies));
}

function task(state: ExecutionState, stage: string, id: string): TaskState {
  const found = state.stages.find((s) => s.name === stage)?.tasks.find((t) => t.id === id);
  if (!found) throw new Error(`no task ${stage}.${id} in ${JSON.stringify(state.stages)}`);
  return found;
}

const started = (name: string, attempt = 1): EventBody => ({ type: 'task.started', task: name, attempt, pid: 100 + attempt, idempotency_key: `${ID}:${name}:${attempt}` });
const exited = (name: string, exitCode: number | null, attempt = 1): EventBody => ({
  type: 'task.exited',
  task: name,
  attempt,
  exit_code: exitCode,
  signal: exitCode === null ? 'SIGKILL' : null,
  timed_out: false,
  duration_ms: 1000,
  resource_usage: { cpu_seconds: 0.5 * attempt, memory_mb_peak: 40 * attempt },
});
const succeeded = (name: string, attempt = 1): EventBody => ({ type: 'task.succeeded', task: name, attempt });

describe('foldExecution', () => {
  it('folds the empty ledger to a pending execution with no stages', () => {
    expect(foldExecution([])).toMatchObject({ execution_id: '', status: 'pending', stages: [], last_seq: 0, completed_at: null });
  });

  it('prints the seed state schema for a finished run, with the GitOps fields', () => {
    const state = fold(
      created(),
      { type: 'task.ready', task: 'extract.orders' },
      started('extract.orders'),
      exited('extract.orders', 0),
      { type: 'artifact.stored', task: 'extract.orders', path: '/tmp/orders.json', artifact_type: 'dataset', sha256: 'f'.repeat(64), size_bytes: 52, uri: 'file:///cas/ff', uploaded_to: 's3://raw/orders.json' },
      succeeded('extract.orders'),
      { type: 'task.skipped', task: 'extract.customers', reason: 'skipped by --skip-tasks' },
      started('load.warehouse'),
      exited('load.warehouse', 0),
      succeeded('load.warehouse'),
      { type: 'hook.ran', when: 'on_success', hook_type: 'notify', status: 'sent' },
      { type: 'execution.finished', status: 'succeeded' },
    );
    expect(state).toEqual({
      execution_id: ID,
      pipeline: 'daily_etl',
      status: 'succeeded',
      reason: null,
      started_at: at(0),
      completed_at: at(11),
      duration_seconds: 11,
      triggered_by: 'user@example.com',
      trigger: 'cli',
      commit_sha: '0123456789abcdef0123456789abcdef01234567',
      pipeline_hash: 'sha256:abc',
      trace_id: 'trace-1',
      ds: '2024-01-15',
      priority: 'normal',
      variables: { EXTRACTION_DATE: '2024-01-15' },
      stages: [
        {
          name: 'extract',
          status: 'succeeded',
          started_at: at(2),
          completed_at: at(6),
          tasks: [
            {
              id: 'orders',
              status: 'succeeded',
              attempt: 1,
              exit_code: 0,
              started_at: at(2),
              completed_at: at(5),
              resource_usage: { cpu_seconds: 0.5, memory_mb_peak: 40 },
              artifacts: [{ path: '/tmp/orders.json', type: 'dataset', size_bytes: 52, sha256: 'f'.repeat(64), uri: 'file:///cas/ff', uploaded_to: 's3://raw/orders.json' }],
              error: null,
            },
            { id: 'customers', status: 'skipped', attempt: 0, exit_code: null, started_at: null, completed_at: at(6), resource_usage: null, artifacts: [], error: 'skipped by --skip-tasks' },
          ],
        },
        {
          name: 'load',
          status: 'succeeded',
          started_at: at(7),
          completed_at: at(9),
          tasks: [{ id: 'warehouse', status: 'succeeded', attempt: 1, exit_code: 0, started_at: at(7), completed_at: at(9), resource_usage: { cpu_seconds: 0.5, memory_mb_peak: 40 }, artifacts: [], error: null }],
        },
      ],
      hooks: [{ task: null, when: 'on_success', type: 'notify', status: 'sent', message: null, at: at(10) }],
      overrides: [],
      last_seq: 12,
    } satisfies ExecutionState);
  });

  const taskCases: { name: string; events: EventBody[]; want: Partial<TaskState> }[] = [
    { name: 'declared but untouched: pending, attempt 0', events: [created()], want: { status: 'pending', attempt: 0, started_at: null } },
    { name: 'ready', events: [created(), { type: 'task.ready', task: 'extract.orders' }], want: { status: 'ready' } },
    { name: 'running keeps the pid out and clears nothing yet', events: [created(), started('extract.orders')], want: { status: 'running', attempt: 1, started_at: at(1), exit_code: null } },
    {
      name: 'retrying: the reason is the error, exit code of the failed attempt',
      events: [created(), started('extract.orders'), exited('extract.orders', 3), { type: 'task.retrying', task: 'extract.orders', attempt: 1, delay_ms: 500, reason: 'exit code 3' }],
      want: { status: 'retrying', exit_code: 3, error: 'exit code 3' },
    },
    {
      name: 'second attempt: started_at stays the first, exit code and error reset',
      events: [created(), started('extract.orders'), exited('extract.orders', 3), { type: 'task.retrying', task: 'extract.orders', attempt: 1, delay_ms: 5, reason: 'exit code 3' }, started('extract.orders', 2)],
      want: { status: 'running', attempt: 2, started_at: at(1), exit_code: null, error: null, resource_usage: { cpu_seconds: 0.5, memory_mb_peak: 40 } },
    },
    {
      name: 'failed with validation outcomes',
      events: [
        created(),
        started('extract.orders'),
        exited('extract.orders', 0),
        { type: 'task.failed', task: 'extract.orders', attempt: 1, reason: 'row_count below 10', validation: [{ rule: 'row_count', passed: false, measured: { rows: 3 }, message: 'row_count below 10' }] },
      ],
      want: { status: 'failed', completed_at: at(3), error: 'row_count below 10', exit_code: 0, validation: [{ rule: 'row_count', passed: false, measured: { rows: 3 }, message: 'row_count below 10' }] },
    },
    { name: 'killed by a signal: exit code null', events: [created(), started('extract.orders'), exited('extract.orders', null)], want: { status: 'running', exit_code: null } },
    { name: 'cancelled', events: [created(), started('extract.orders'), { type: 'task.cancelled', task: 'extract.orders', reason: 'cancelled by signal' }], want: { status: 'cancelled', error: 'cancelled by signal', completed_at: at(2) } },
    { name: 'a bare task name resolves when unique', events: [created(), started('orders')], want: { status: 'running' } },
    {
      name: 'state.overridden on a task applies as recorded',
      events: [created(), started('extract.orders'), { type: 'state.overridden', task: 'extract.orders', status: 'failed', message: 'Manual failover', by: 'ops@example.com' }],
      want: { status: 'failed', completed_at: null },
    },
  ];

  it.each(taskCases)('task: $name', ({ events, want }) => {
    expect(task(fold(...events), 'extract', 'orders')).toMatchObject(want);
  });

  const executionCases: { name: string; events: EventBody[]; want: Partial<ExecutionState> }[] = [
    { name: 'created: running, started, not completed', events: [created()], want: { status: 'running', started_at: at(0), completed_at: null, duration_seconds: null } },
    { name: 'no commit: commit_sha null', events: [created({ commit_sha: undefined })], want: { commit_sha: null } },
    {
      name: 'failed with a reason',
      events: [created(), { type: 'execution.finished', status: 'failed', reason: 'timeout' }],
      want: { status: 'failed', reason: 'timeout', completed_at: at(1), duration_seconds: 1 },
    },
    {
      name: 'overridden without a task changes only the execution status, and is audited',
      events: [created(), { type: 'state.overridden', status: 'cancelled', message: 'Manual cancel - exceeded SLA', by: 'ops@example.com' }],
      want: { status: 'cancelled', completed_at: null, overrides: [{ task: null, status: 'cancelled', message: 'Manual cancel - exceeded SLA', by: 'ops@example.com', at: at(1) }] },
    },
    {
      name: 'work after finished (resume) runs it again',
      events: [created(), { type: 'execution.finished', status: 'failed', reason: 'a task failed' }, started('extract.orders', 2)],
      want: { status: 'running', reason: null, completed_at: null, duration_seconds: null, last_seq: 3 },
    },
  ];

  it.each(executionCases)('execution: $name', ({ events, want }) => {
    expect(fold(...events)).toMatchObject(want);
  });

  it('keeps tasks the layout does not know, in the stage their id names', () => {
    const state = fold(created(), started('extract.backfill'), started('adhoc'));
    expect(task(state, 'extract', 'backfill').status).toBe('running');
    expect(task(state, '', 'adhoc').status).toBe('running');
  });

  it('does not let callers change the events through the state', () => {
    const events = ledger(ID, created());
    const state = foldExecution(events);
    state.variables.EXTRACTION_DATE = 'changed';
    expect((events[0] as { variables: Record<string, string> }).variables.EXTRACTION_DATE).toBe('2024-01-15');
  });
});

describe('deriveStageStatus', () => {
  const cases: { name: string; tasks: TaskStatus[]; want: TaskStatus }[] = [
    { name: 'no tasks', tasks: [], want: 'pending' },
    { name: 'all pending', tasks: ['pending', 'pending'], want: 'pending' },
    { name: 'one ready', tasks: ['ready', 'pending'], want: 'ready' },
    { name: 'one running', tasks: ['running', 'pending'], want: 'running' },
    { name: 'retrying counts as running', tasks: ['retrying', 'succeeded'], want: 'running' },
    { name: 'some done, some waiting', tasks: ['succeeded', 'pending'], want: 'running' },
    { name: 'failed while another still runs', tasks: ['failed', 'running'], want: 'running' },
    { name: 'all done, one failed', tasks: ['failed', 'succeeded', 'cancelled'], want: 'failed' },
    { name: 'all done, one cancelled', tasks: ['cancelled', 'succeeded'], want: 'cancelled' },
    { name: 'all skipped', tasks: ['skipped', 'skipped'], want: 'skipped' },
    { name: 'succeeded and skipped', tasks: ['succeeded', 'skipped'], want: 'succeeded' },
    { name: 'all succeeded', tasks: ['succeeded'], want: 'succeeded' },
  ];
  it.each(cases)('$name → $want', ({ tasks, want }) => {
    expect(deriveStageStatus(tasks)).toBe(want);
  });
});
