import type { GraphTask } from '../../src/dag/task-graph.js';

/**
 * Graph tasks from a compact table: `'stage.task'` or `'stage.task <- dep, dep'`.
 * Stages are numbered in order of first appearance.
 */
export function graphTasks(...specs: string[]): GraphTask[] {
  const stageIndexes = new Map<string, number>();
  return specs.map((spec) => {
    const [id = '', deps = ''] = spec.split('<-').map((part) => part.trim());
    const [stage = '', name = ''] = id.split('.');
    if (!stageIndexes.has(stage)) stageIndexes.set(stage, stageIndexes.size);
    return { id, stage, name, stageIndex: stageIndexes.get(stage) as number, dependencies: deps === '' ? [] : deps.split(',').map((dep) => dep.trim()) };
  });
}

/** A chain `s.t0 <- s.t1 <- …` in one stage; `closed` makes the first task depend on the last. */
export function chain(length: number, options: { closed?: boolean; stagePerTask?: boolean } = {}): GraphTask[] {
  return Array.from({ length }, (_, index) => {
    const stage = options.stagePerTask ? `s${index}` : 's';
    const previous = index > 0 ? [`t${index - 1}`] : options.closed ? [`t${length - 1}`] : [];
    return { id: `${stage}.t${index}`, stage, name: `t${index}`, stageIndex: options.stagePerTask ? index : 0, dependencies: previous };
  });
}
