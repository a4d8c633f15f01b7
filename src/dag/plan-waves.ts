import type { TaskGraph } from './task-graph.js';

/**
 * Groups tasks into waves: every task of a wave can start once the earlier waves are done.
 * Barrier nodes add no wave of their own. Returns task indexes per wave, in pipeline order.
 * Assumes an acyclic graph (validation guarantees it before planning).
 */
export function planWaves(graph: TaskGraph): number[][] {
  const taskCount = graph.tasks.length;
  const remaining = new Int32Array(graph.nodeCount);
  const level = new Int32Array(graph.nodeCount);
  const queue: number[] = [];
  for (let node = 0; node < graph.nodeCount; node++) {
    remaining[node] = (graph.predecessors[node] as number[]).length;
    if (remaining[node] === 0) queue.push(node);
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as number;
    const next = level[node] as number;
    for (const successor of graph.successors[node] as number[]) {
      const candidate = node < taskCount ? next + 1 : next;
      if (candidate > (level[successor] as number)) level[successor] = candidate;
      remaining[successor] = (remaining[successor] as number) - 1;
      if (remaining[successor] === 0) queue.push(successor);
    }
  }
  const waves: number[][] = [];
  for (let task = 0; task < taskCount; task++) {
    const wave = level[task] as number;
    (waves[wave] ??= []).push(task);
  }
  return waves.filter((wave) => wave !== undefined);
}
