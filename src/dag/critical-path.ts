import type { TaskGraph } from './task-graph.js';

/**
 * For each node, the length of the longest path from it to the end of the graph, counting
 * tasks (barriers weigh nothing). Dispatching the largest first starts the critical path early.
 */
export function remainingPathLengths(graph: TaskGraph, weight: (task: number) => number = () => 1): Float64Array {
  const taskCount = graph.tasks.length;
  const remaining = new Int32Array(graph.nodeCount);
  const order: number[] = [];
  for (let node = 0; node < graph.nodeCount; node++) {
    remaining[node] = (graph.successors[node] as number[]).length;
    if (remaining[node] === 0) order.push(node);
  }
  const length = new Float64Array(graph.nodeCount);
  for (let head = 0; head < order.length; head++) {
    const node = order[head] as number;
    let longest = 0;
    for (const successor of graph.successors[node] as number[]) longest = Math.max(longest, length[successor] as number);
    length[node] = longest + (node < taskCount ? weight(node) : 0);
    for (const predecessor of graph.predecessors[node] as number[]) {
      remaining[predecessor] = (remaining[predecessor] as number) - 1;
      if (remaining[predecessor] === 0) order.push(predecessor);
    }
  }
  return length;
}
