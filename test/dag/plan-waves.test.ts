import { describe, expect, it } from 'vitest';
import { planExecution } from '../../src/dag/execution-plan.js';
import { planWaves } from '../../src/dag/plan-waves.js';
import { buildTaskGraph } from '../../src/dag/task-graph.js';
import { pipeline } from '../../src/spec/schema/pipeline.js';
import { chain, graphTasks } from './graph-tasks.js';

/** Waves as task ids. */
function wavesOf(specs: string[], parallel: boolean): string[][] {
  const tasks = graphTasks(...specs);
  return planWaves(buildTaskGraph(tasks, { parallel }).graph).map((wave) => wave.map((task) => tasks[task]?.id ?? '?'));
}

describe('planWaves', () => {
  const cases: { name: string; tasks: string[]; parallel: boolean; waves: string[][] }[] = [
    {
      name: 'stages in order: each stage waits for the whole previous stage',
      tasks: ['a.x', 'a.y', 'b.z', 'c.w'],
      parallel: false,
      waves: [['a.x', 'a.y'], ['b.z'], ['c.w']],
    },
    {
      name: 'stages in order: dependencies inside a stage add waves inside it',
      tasks: ['a.x', 'a.y <- x', 'a.v', 'b.z'],
      parallel: false,
      waves: [['a.x', 'a.v'], ['a.y'], ['b.z']],
    },
    {
      name: 'stages in order: a dependency on an earlier stage adds nothing to the barrier',
      tasks: ['a.x', 'a.y', 'b.z <- a.x'],
      parallel: false,
      waves: [['a.x', 'a.y'], ['b.z']],
    },
    {
      name: 'parallel: tasks without dependencies all start at once, whatever their stage',
      tasks: ['a.x', 'a.y', 'b.z', 'c.w'],
      parallel: true,
      waves: [['a.x', 'a.y', 'b.z', 'c.w']],
    },
    {
      name: 'parallel: a task waits only for its dependencies (a diamond)',
      tasks: ['a.top', 'b.left <- top', 'b.right <- top', 'c.bottom <- left, right', 'c.free'],
      parallel: true,
      waves: [['a.top', 'c.free'], ['b.left', 'b.right'], ['c.bottom']],
    },
    {
      name: 'parallel: a task joins the wave after its latest dependency',
      tasks: ['a.x', 'a.y <- x', 'a.z <- y', 'b.w <- x, z'],
      parallel: true,
      waves: [['a.x'], ['a.y'], ['a.z'], ['b.w']],
    },
  ];

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    expect(wavesOf(testCase.tasks, testCase.parallel)).toEqual(testCase.waves);
  });

  it('plans a 100,000-task chain as 100,000 waves without recursion', () => {
    const waves = planWaves(buildTaskGraph(chain(100_000), { parallel: true }).graph);
    expect(waves).toHaveLength(100_000);
    expect(waves[99_999]).toEqual([99_999]);
  });

  it('plans 100,000 one-task stages in order through their barriers', () => {
    const waves = planWaves(buildTaskGraph(chain(100_000, { stagePerTask: true }), { parallel: false }).graph);
    expect(waves).toHaveLength(100_000);
    expect(waves[50_000]).toEqual([50_000]);
  });
});

describe('planExecution', () => {
  const spec = pipeline.parse({
    version: '2.1',
    name: 'plan',
    config: { max_concurrent: 2 },
    resources: { default: { cpu: 1, memory: '1Gi' }, load: { memory: '4Gi' } },
    stages: [
      { name: 'extract', tasks: [{ name: 'orders', type: 'noop' }, { name: 'customers', type: 'noop', timeout: '5m' }] },
      { name: 'load', tasks: [{ name: 'push', type: 'shell', command: 'true', dependencies: ['orders'], resources: { cpu: 2 } }] },
    ],
  });

  it('lists the waves with ids, types, dependencies, merged resources and timeouts', () => {
    const plan = planExecution(spec);
    expect(plan).toMatchObject({ pipeline: 'plan', parallel: false, maxConcurrent: 2, stages: 2, tasks: 3 });
    expect(plan.waves).toEqual([
      [
        { id: 'extract.orders', type: 'noop', dependencies: [], resources: { cpu: 1, memory: '1Gi' }, timeout: undefined, skipped: false },
        { id: 'extract.customers', type: 'noop', dependencies: [], resources: { cpu: 1, memory: '1Gi' }, timeout: '5m', skipped: false },
      ],
      [{ id: 'load.push', type: 'shell', dependencies: ['orders'], resources: { cpu: 2, memory: '4Gi' }, timeout: undefined, skipped: false }],
    ]);
  });

  it('keeps skipped tasks in the plan, marked, by `task` or `stage.task`', () => {
    const plan = planExecution(spec, { skip: new Set(['customers', 'load.push']) });
    expect(plan.waves.flat().map((step) => [step.id, step.skipped])).toEqual([
      ['extract.orders', false],
      ['extract.customers', true],
      ['load.push', true],
    ]);
  });
});
