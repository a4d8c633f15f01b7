import { describe, expect, it } from 'vitest';
import type { StoredArtifact } from '../../src/artifacts/artifact-store.js';
import { planRollback, type PlanRequest } from '../../src/rollback/plan-rollback.js';
import type { PipelineAtCommit } from '../../src/rollback/task-versions.js';
import { parsePipelineText } from '../../src/spec/load-source.js';
import { pipeline as pipelineSchema } from '../../src/spec/schema/pipeline.js';
import type { TaskStatus } from '../../src/state/events.js';
import type { ExecutionState } from '../../src/state/fold.js';

/** extract.{orders,customers} → transform.join → load.{warehouse,report}; `parallel` lets only dependencies order them. */
function pipelineYaml(parallel: boolean): string {
  return `version: "2.1"
name: etl
config: { parallel: ${parallel} }
stages:
  - name: extract
    tasks:
      - { name: orders, type: shell, command: "true", output_artifacts: [{ path: orders.csv }] }
      - { name: customers, type: shell, command: "true", output_artifacts: [{ path: customers.csv }] }
  - name: transform
    tasks:
      - { name: join, type: shell, command: "true", dependencies: [orders, customers], output_artifacts: [{ path: joined.csv }] }
  - name: load
    tasks:
      - { name: warehouse, type: shell, command: "true", dependencies: [join] }
      - { name: report, type: shell, command: "true", dependencies: [orders], output_artifacts: [{ path: report.txt }] }
`;
}

const TASKS = ['extract.orders', 'extract.customers', 'transform.join', 'load.warehouse', 'load.report'];

function at(sha: string, parallel: boolean, versions: Record<string, string> = {}): PipelineAtCommit {
  const parsed = parsePipelineText('pipelines/etl.yaml', Buffer.from(pipelineYaml(parallel)));
  return {
    sha: sha.repeat(40),
    file: 'pipelines/etl.yaml',
    pipeline: pipelineSchema.parse(parsed.source?.value),
    parsed,
    taskVersions: new Map(TASKS.map((task) => [task, versions[task] ?? `v-${task}`])),
  };
}

function artifact(task: string, path: string): StoredArtifact {
  return { executionId: 'Y', task, path, type: 'file', sha256: 'f'.repeat(64), sizeBytes: 10, uri: 'file:///blob' };
}
const ALL_ARTIFACTS = [artifact('extract.orders', 'orders.csv'), artifact('extract.customers', 'customers.csv'), artifact('transform.join', 'joined.csv'), artifact('load.report', 'report.txt')];

function sourceState(statuses: Record<string, TaskStatus> = {}): ExecutionState {
  const stages = ['extract', 'transform', 'load'].map((name) => ({
    name,
    status: 'succeeded' as TaskStatus,
    started_at: null,
    completed_at: null,
    tasks: TASKS.filter((task) => task.startsWith(`${name}.`)).map((task) => ({
      id: task.slice(name.length + 1),
      status: statuses[task] ?? 'succeeded',
      attempt: 1,
      exit_code: 0,
      started_at: null,
      completed_at: null,
      resource_usage: null,
      artifacts: ALL_ARTIFACTS.filter((entry) => entry.task === task).map((entry) => ({ path: entry.path, sha256: entry.sha256 })),
      error: null,
    })),
  }));
  return { execution_id: 'Y', stages } as unknown as ExecutionState;
}

interface Case {
  name: string;
  request: Omit<PlanRequest, 'source'> & { source?: Partial<NonNullable<PlanRequest['source']>> };
  restored: string[];
  rerun: Record<string, string>;
}

const cases: Case[] = [
  {
    name: 'nothing changed: every task is restored',
    request: { strategy: 'checkpoint', target: at('b', true) },
    restored: TASKS,
    rerun: {},
  },
  {
    name: 'one extract changed: it and everything downstream of it run, the other extract is kept',
    request: { strategy: 'checkpoint', target: at('b', true, { 'extract.orders': 'changed' }) },
    restored: ['extract.customers'],
    rerun: { 'extract.orders': `changed between ${'a'.repeat(12)} and ${'b'.repeat(12)}`, 'transform.join': 'upstream extract.orders runs again', 'load.warehouse': 'upstream transform.join runs again', 'load.report': 'upstream extract.orders runs again' },
  },
  {
    name: 'with parallel: true only dependencies order tasks, so a changed join leaves the report alone',
    request: { strategy: 'checkpoint', target: at('b', true, { 'transform.join': 'changed' }) },
    restored: ['extract.orders', 'extract.customers', 'load.report'],
    rerun: { 'transform.join': `changed between ${'a'.repeat(12)} and ${'b'.repeat(12)}`, 'load.warehouse': 'upstream transform.join runs again' },
  },
  {
    name: 'with stages in order, every task of a later stage waits on the whole stage before it',
    request: { strategy: 'checkpoint', target: at('b', false, { 'transform.join': 'changed' }) },
    restored: ['extract.orders', 'extract.customers'],
    rerun: { 'transform.join': `changed between ${'a'.repeat(12)} and ${'b'.repeat(12)}`, 'load.warehouse': 'upstream transform.join runs again', 'load.report': 'upstream transform.join runs again' },
  },
  {
    name: 'a task that failed in the source runs, and so does what depends on it',
    request: { strategy: 'checkpoint', target: at('b', true), source: { state: sourceState({ 'transform.join': 'failed', 'load.warehouse': 'skipped' }) } },
    restored: ['extract.orders', 'extract.customers', 'load.report'],
    rerun: { 'transform.join': 'failed in execution Y', 'load.warehouse': 'upstream transform.join runs again' },
  },
  {
    name: 'a task whose declared output is not stored runs again',
    request: { strategy: 'checkpoint', target: at('b', true), source: { artifacts: ALL_ARTIFACTS.filter((entry) => entry.task !== 'load.report') } },
    restored: ['extract.orders', 'extract.customers', 'transform.join', 'load.warehouse'],
    rerun: { 'load.report': '1 of its 1 outputs are not stored for execution Y' },
  },
  {
    name: 'a task whose stored artifact differs from what the ledger recorded runs again, and so does what follows it',
    request: { strategy: 'checkpoint', target: at('b', true), source: { artifacts: ALL_ARTIFACTS.map((entry) => (entry.task === 'transform.join' ? { ...entry, sha256: 'e'.repeat(64) } : entry)) } },
    restored: ['extract.orders', 'extract.customers', 'load.report'],
    rerun: { 'transform.join': "its stored artifacts differ from what execution Y's ledger recorded", 'load.warehouse': 'upstream transform.join runs again' },
  },
  {
    name: 'restart from a stage keeps the stages before it',
    request: { strategy: 'restart', target: at('a', false), fromStage: 'transform' },
    restored: ['extract.orders', 'extract.customers'],
    rerun: { 'transform.join': 'in stage transform or later', 'load.warehouse': 'in stage transform or later', 'load.report': 'in stage transform or later' },
  },
  {
    name: 'revert runs everything',
    request: { strategy: 'revert', target: at('b', true) },
    restored: [],
    rerun: Object.fromEntries(TASKS.map((task) => [task, 'revert runs every task'])),
  },
];

describe('planRollback', () => {
  for (const { name, request, restored, rerun } of cases) {
    it(name, () => {
      const source = request.strategy === 'revert' ? undefined : { executionId: 'Y', at: at('a', true), state: sourceState(), artifacts: ALL_ARTIFACTS, ...request.source };
      const plan = planRollback({ ...request, ...(source ? { source } : {}) } as PlanRequest);
      expect(plan.restored.map((task) => task.task)).toEqual(restored);
      expect(Object.fromEntries(plan.rerun.map((task) => [task.task, task.reason]))).toEqual(rerun);
    });
  }

  it('hands each restored task exactly its own artifacts', () => {
    const plan = planRollback({ strategy: 'checkpoint', target: at('b', true), source: { executionId: 'Y', at: at('a', true), state: sourceState(), artifacts: ALL_ARTIFACTS } });
    expect(plan.restored.map((task) => [task.task, task.artifacts.map((entry) => entry.path)])).toEqual([
      ['extract.orders', ['orders.csv']],
      ['extract.customers', ['customers.csv']],
      ['transform.join', ['joined.csv']],
      ['load.warehouse', []],
      ['load.report', ['report.txt']],
    ]);
  });
});
