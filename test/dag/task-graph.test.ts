import { describe, expect, it } from 'vitest';
import { buildTaskGraph, type DependencyProblem } from '../../src/dag/task-graph.js';
import { graphTasks } from './graph-tasks.js';

/** How `dependencies` resolve to edges, and which references are problems. */
describe('buildTaskGraph: dependency resolution', () => {
  const cases: { name: string; tasks: string[]; parallel?: boolean; edges: [from: string, to: string][]; problems: Partial<DependencyProblem>[] }[] = [
    {
      name: '`stage.task` names one task',
      tasks: ['a.x', 'a.y <- a.x'],
      edges: [['a.x', 'a.y']],
      problems: [],
    },
    {
      name: 'a bare name unique in the pipeline resolves across stages',
      tasks: ['a.x', 'b.y <- x'],
      edges: [['a.x', 'b.y']],
      problems: [],
    },
    {
      name: 'a bare name shared by two stages is ambiguous and names both',
      tasks: ['a.x', 'b.x', 'b.y <- x, b.x'],
      edges: [['b.x', 'b.y']],
      problems: [{ kind: 'ambiguous', task: 2, dependency: 0, reference: 'x', candidates: ['a.x', 'b.x'] }],
    },
    {
      name: 'a name of no task is unknown',
      tasks: ['a.x', 'a.y <- a.z, nothing'],
      edges: [],
      problems: [
        { kind: 'unknown', task: 1, dependency: 0, reference: 'a.z' },
        { kind: 'unknown', task: 1, dependency: 1, reference: 'nothing' },
      ],
    },
    {
      name: 'a task naming itself, bare or qualified, is a self-dependency and no edge',
      tasks: ['a.x <- x', 'a.y <- a.y'],
      edges: [],
      problems: [
        { kind: 'self', task: 0, dependency: 0, reference: 'x' },
        { kind: 'self', task: 1, dependency: 0, reference: 'a.y' },
      ],
    },
    {
      name: 'stages in order: a dependency on a later stage is refused',
      tasks: ['a.x <- b.y', 'b.y'],
      edges: [],
      problems: [{ kind: 'later-stage', task: 0, dependency: 0, reference: 'b.y', target: 1 }],
    },
    {
      name: 'parallel: a dependency on a later stage is an ordinary edge',
      tasks: ['a.x <- b.y', 'b.y'],
      parallel: true,
      edges: [['b.y', 'a.x']],
      problems: [],
    },
    {
      name: 'the same dependency twice is one edge',
      tasks: ['a.x', 'a.y <- x, a.x'],
      edges: [['a.x', 'a.y']],
      problems: [],
    },
  ];

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const tasks = graphTasks(...testCase.tasks);
    const { graph, problems } = buildTaskGraph(tasks, { parallel: testCase.parallel === true });
    expect(graph.explicitEdges.map(([from, to]) => [tasks[from]?.id, tasks[to]?.id])).toEqual(testCase.edges);
    expect(problems).toEqual(testCase.problems);
  });
});

describe('buildTaskGraph: stage barriers', () => {
  const namesOf = (ids: readonly number[], labels: string[]) => ids.map((node) => labels[node]);

  it('stages in order: one barrier per stage boundary links every task of a stage to every task of the next', () => {
    const tasks = graphTasks('a.x', 'a.y', 'b.z <- a.x', 'c.w');
    const { graph } = buildTaskGraph(tasks, { parallel: false });
    const labels = [...tasks.map((task) => task.id), 'a|b', 'b|c'];
    expect(graph.nodeCount).toBe(6);
    expect(graph.successors.map((ids) => namesOf(ids, labels))).toEqual([['a|b'], ['a|b'], ['b|c'], [], ['b.z'], ['c.w']]);
    expect(graph.predecessors.map((ids) => namesOf(ids, labels))).toEqual([[], [], ['a|b'], ['b|c'], ['a.x', 'a.y'], ['b.z']]);
    // The cross-stage dependency is kept for cycle reports, but the barrier already orders it.
    expect(graph.explicitEdges).toEqual([[0, 2, 0]]);
  });

  it('stages in order: a dependency inside a stage is a direct edge', () => {
    const tasks = graphTasks('a.x', 'a.y <- x');
    const { graph } = buildTaskGraph(tasks, { parallel: false });
    expect(graph.nodeCount).toBe(2);
    expect(graph.successors).toEqual([[1], []]);
  });

  it('parallel: no barriers; only dependencies order tasks', () => {
    const tasks = graphTasks('a.x', 'a.y', 'b.z <- a.x', 'c.w');
    const { graph } = buildTaskGraph(tasks, { parallel: true });
    expect(graph.nodeCount).toBe(4);
    expect(graph.successors).toEqual([[2], [], [], []]);
    expect(graph.predecessors).toEqual([[], [], [0], []]);
  });
});
