import type { TaskGraph } from './task-graph.js';

/**
 * Every dependency cycle, one per strongly connected component, as the ordered list of
 * explicit edges (indexes into `graph.explicitEdges`) that close it. Iterative Tarjan, so
 * a 100k-task chain does not overflow the stack.
 */
export function findCycles(graph: TaskGraph): number[][] {
  const count = graph.tasks.length;
  const outEdges: number[][] = Array.from({ length: count }, () => []);
  graph.explicitEdges.forEach(([from], edge) => outEdges[from]?.push(edge));

  const index = new Int32Array(count).fill(-1);
  const lowLink = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    const work: [node: number, nextEdge: number][] = [[root, 0]];
    index[root] = lowLink[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1] as [number, number];
      const [node, position] = frame;
      const edges = outEdges[node] as number[];
      if (position < edges.length) {
        frame[1]++;
        const next = (graph.explicitEdges[edges[position] as number] as [number, number, number])[1];
        if (index[next] === -1) {
          index[next] = lowLink[next] = counter++;
          stack.push(next);
          onStack[next] = 1;
          work.push([next, 0]);
        } else if (onStack[next]) {
          lowLink[node] = Math.min(lowLink[node] as number, index[next] as number);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink[parent[0]] = Math.min(lowLink[parent[0]] as number, lowLink[node] as number);
      if (lowLink[node] === index[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop() as number;
          onStack[member] = 0;
          component.push(member);
        } while (member !== node);
        if (component.length > 1) components.push(component);
      }
    }
  }
  return components.map((component) => cycleWithin(component, outEdges, graph));
}

/** One concrete cycle inside a strongly connected component, found by walking back to the start. */
function cycleWithin(component: number[], outEdges: number[][], graph: TaskGraph): number[] {
  const members = new Set(component);
  // A loop, not Math.min(...component): spreading 150k+ arguments overflows the stack.
  let start = component[0] as number;
  for (const member of component) if (member < start) start = member;
  const previousEdge = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as number;
    for (const edge of outEdges[node] as number[]) {
      const next = (graph.explicitEdges[edge] as [number, number, number])[1];
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [edge];
        for (let at = node; at !== start; ) {
          const back = previousEdge.get(at) as number;
          path.push(back);
          at = (graph.explicitEdges[back] as [number, number, number])[0];
        }
        return path.reverse();
      }
      if (!previousEdge.has(next)) {
        previousEdge.set(next, edge);
        queue.push(next);
      }
    }
  }
  return [];
}
