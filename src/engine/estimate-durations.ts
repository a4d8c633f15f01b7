import { remainingPathLengths } from '../dag/critical-path.js';
import { graphOfPipeline } from '../dag/pipeline-graph.js';
import type { Pipeline } from '../spec/schema/pipeline.js';
import type { ExecutionState } from '../state/fold.js';

/** What earlier executions say about how long this pipeline's tasks take. */
export interface DurationEstimate {
  /** Median seconds per `stage.task`, from its succeeded runs (first start to success, retries included). */
  taskSeconds: ReadonlyMap<string, number>;
  /** How many earlier executions the figures come from. */
  executions: number;
}

/**
 * Median duration of each task over the succeeded runs in `history` (folded executions of
 * the same pipeline). Failed, skipped and unfinished runs say nothing about a task's length
 * and are left out; a task with no succeeded run has no estimate.
 */
export function estimateDurations(history: readonly ExecutionState[]): DurationEstimate {
  const samples = new Map<string, number[]>();
  let executions = 0;
  for (const execution of history) {
    let counted = false;
    for (const stage of execution.stages) {
      for (const task of stage.tasks) {
        if (task.status !== 'succeeded' || task.started_at === null || task.completed_at === null) continue;
        const seconds = (Date.parse(task.completed_at) - Date.parse(task.started_at)) / 1000;
        if (!Number.isFinite(seconds) || seconds < 0) continue;
        const id = `${stage.name}.${task.id}`;
        const list = samples.get(id);
        if (list) list.push(seconds);
        else samples.set(id, [seconds]);
        counted = true;
      }
    }
    if (counted) executions++;
  }
  const taskSeconds = new Map<string, number>();
  for (const [id, values] of samples) taskSeconds.set(id, median(values));
  return { taskSeconds, executions };
}

/**
 * The estimated wall time of a whole run with unlimited capacity: the longest path through
 * the graph, each task weighing its estimate. Undefined when some task has no estimate, since
 * a guess for part of the graph would read as a figure for all of it.
 */
export function estimatePipelineSeconds(pipeline: Pipeline, estimate: DurationEstimate): number | undefined {
  const { graph, nodes } = graphOfPipeline(pipeline);
  if (nodes.some((node) => !estimate.taskSeconds.has(node.id))) return undefined;
  const lengths = remainingPathLengths(graph, (task) => estimate.taskSeconds.get((nodes[task] as (typeof nodes)[number]).id) as number);
  let longest = 0;
  for (const length of lengths) longest = Math.max(longest, length);
  return longest;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
