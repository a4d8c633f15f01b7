import { describe, expect, it } from 'vitest';
import { findCycles } from '../../src/dag/find-cycles.js';
import { buildTaskGraph } from '../../src/dag/task-graph.js';
import { chain, graphTasks } from './graph-tasks.js';

/** Each cycle as its edges, `from→to` by task id, in the order findCycles returns them. */
function cyclesOf(specs: string[], parallel = false): string[][] {
  const tasks = graphTasks(...specs);
  const { graph } = buildTaskGraph(tasks, { parallel });
  return findCycles(graph).map((cycle) =>
    cycle.map((edge) => {
      const [from, to] = graph.explicitEdges[edge] as [number, number, number];
      return `${tasks[from]?.id}→${tasks[to]?.id}`;
    }),
  );
}

describe('findCycles', () => {
  const cases: { name: string; tasks: string[]; parallel?: boolean; cycles: string[][] }[] = [
    { name: 'an acyclic graph has none', tasks: ['a.x', 'a.y <- x', 'a.z <- x, y'], cycles: [] },
    {
      name: 'a three-task cycle is one cycle with each of its edges, in order',
      tasks: ['a.x <- z', 'a.y <- x', 'a.z <- y'],
      cycles: [['a.x→a.y', 'a.y→a.z', 'a.z→a.x']],
    },
    {
      name: 'two separate cycles are two cycles',
      tasks: ['a.p <- q', 'a.q <- p', 'a.r', 'a.s <- t', 'a.t <- s'],
      cycles: [['a.p→a.q', 'a.q→a.p'], ['a.s→a.t', 'a.t→a.s']],
    },
    {
      name: 'tasks leading into a cycle are not part of it',
      tasks: ['a.in', 'a.x <- in, z', 'a.y <- x', 'a.z <- y', 'a.out <- z'],
      cycles: [['a.x→a.y', 'a.y→a.z', 'a.z→a.x']],
    },
    {
      name: 'a self loop is a self-dependency problem, never a cycle',
      tasks: ['a.x <- x', 'a.y <- a.y'],
      cycles: [],
    },
    {
      name: 'a cycle across stages, when stages may run out of order',
      tasks: ['a.x <- b.y', 'b.y <- a.x'],
      parallel: true,
      cycles: [['a.x→b.y', 'b.y→a.x']],
    },
    {
      name: 'stages in order: a backward edge is refused before it can close a cycle',
      tasks: ['a.x <- b.y', 'b.y <- a.x'],
      cycles: [],
    },
  ];

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    expect(cyclesOf(testCase.tasks, testCase.parallel)).toEqual(testCase.cycles);
  });

  it('walks a 100,000-task chain without recursion', () => {
    const { graph, problems } = buildTaskGraph(chain(100_000), { parallel: false });
    expect(problems).toEqual([]);
    expect(findCycles(graph)).toEqual([]);
  });

  it('reports a 200,000-task cycle as one cycle of every edge', () => {
    const { graph } = buildTaskGraph(chain(200_000, { closed: true }), { parallel: false });
    const cycles = findCycles(graph);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(200_000);
    expect(new Set(cycles[0]).size).toBe(200_000);
  });
});
