/**
 * The dependency graph of one pipeline. Nodes are integers so large DAGs stay cheap:
 * `0 … tasks.length-1` are tasks; when stages run in order (`parallel: false`) one barrier
 * node per stage boundary links every task of a stage to every task of the next in
 * linear space, instead of stage-size-squared edges.
 */
export interface GraphTask {
  /** `stage.task` */
  id: string;
  stage: string;
  name: string;
  stageIndex: number;
  dependencies: readonly string[];
}

export type DependencyProblem =
  | { kind: 'unknown'; task: number; dependency: number; reference: string }
  | { kind: 'ambiguous'; task: number; dependency: number; reference: string; candidates: string[] }
  | { kind: 'self'; task: number; dependency: number; reference: string }
  | { kind: 'later-stage'; task: number; dependency: number; reference: string; target: number };

export interface TaskGraph {
  tasks: readonly GraphTask[];
  /** Total nodes, tasks first, then barriers. */
  nodeCount: number;
  predecessors: number[][];
  successors: number[][];
  /** Explicit edges only, as [from, to, task, dependency index] — what cycles are reported on. */
  explicitEdges: [from: number, to: number, dependencyIndex: number][];
  parallel: boolean;
}

export function buildTaskGraph(tasks: readonly GraphTask[], options: { parallel: boolean }): { graph: TaskGraph; problems: DependencyProblem[] } {
  const byId = new Map<string, number>();
  const byName = new Map<string, number[]>();
  tasks.forEach((task, index) => {
    if (!byId.has(task.id)) byId.set(task.id, index);
    const sameName = byName.get(task.name);
    if (sameName) sameName.push(index);
    else byName.set(task.name, [index]);
  });

  const stageOrder = [...new Set(tasks.map((task) => task.stageIndex))].sort((a, b) => a - b);
  const barrierCount = options.parallel ? 0 : Math.max(0, stageOrder.length - 1);
  const nodeCount = tasks.length + barrierCount;
  const predecessors: number[][] = Array.from({ length: nodeCount }, () => []);
  const successors: number[][] = Array.from({ length: nodeCount }, () => []);
  const explicitEdges: TaskGraph['explicitEdges'] = [];
  const problems: DependencyProblem[] = [];
  const link = (from: number, to: number) => {
    predecessors[to]?.push(from);
    successors[from]?.push(to);
  };

  tasks.forEach((task, index) => {
    const seen = new Set<number>();
    task.dependencies.forEach((reference, dependency) => {
      const target = resolveDependency(reference, byId, byName);
      if (typeof target !== 'number') {
        problems.push(target.length > 1
          ? { kind: 'ambiguous', task: index, dependency, reference, candidates: target.map((candidate) => tasks[candidate]?.id ?? '') }
          : { kind: 'unknown', task: index, dependency, reference });
        return;
      }
      if (target === index) return void problems.push({ kind: 'self', task: index, dependency, reference });
      const targetTask = tasks[target] as GraphTask;
      if (!options.parallel && targetTask.stageIndex > task.stageIndex) {
        return void problems.push({ kind: 'later-stage', task: index, dependency, reference, target });
      }
      if (seen.has(target)) return;
      seen.add(target);
      explicitEdges.push([target, index, dependency]);
      // Across stages in order the barrier already implies the edge.
      if (options.parallel || targetTask.stageIndex === task.stageIndex) link(target, index);
    });
  });

  if (!options.parallel) {
    const stagePosition = new Map(stageOrder.map((stageIndex, position) => [stageIndex, position]));
    tasks.forEach((task, index) => {
      const position = stagePosition.get(task.stageIndex) as number;
      if (position > 0) link(tasks.length + position - 1, index);
      if (position < stageOrder.length - 1) link(index, tasks.length + position);
    });
  }
  return { graph: { tasks, nodeCount, predecessors, successors, explicitEdges, parallel: options.parallel }, problems };
}

/** `stage.task`, or a task name unique in the pipeline; returns the candidates when it is not a single task. */
function resolveDependency(reference: string, byId: Map<string, number>, byName: Map<string, number[]>): number | number[] {
  const exact = byId.get(reference);
  if (exact !== undefined) return exact;
  const named = byName.get(reference) ?? [];
  return named.length === 1 ? (named[0] as number) : named;
}
