import { remainingPathLengths } from '../dag/critical-path.js';
import { graphOfPipeline } from '../dag/pipeline-graph.js';
import { estimateDurations } from '../engine/estimate-durations.js';
import type { Pipeline } from '../spec/schema/pipeline.js';
import { foldExecution, type ExecutionState } from '../state/fold.js';
import type { StateStore } from '../state/state-store.js';
import type { RollbackPlan } from './plan-rollback.js';

export interface RollbackEstimate {
  /** The longest path through the tasks that run again; undefined when one of them has no history. */
  rollbackSeconds?: number;
  /** The same for a run of every task, for comparison. */
  fullSeconds?: number;
  /** Succeeded executions the task medians come from. */
  executions: number;
}

/** How many recent successes are read: enough for a median, few enough for a quick dry run. */
const RECENT_RUNS = 10;

/**
 * The dry run's estimated time: task medians over the pipeline's recent succeeded executions,
 * restored tasks weighing nothing (a restore is a copy), along the critical path.
 */
export async function estimateRollback(store: StateStore, pipeline: Pipeline, plan: RollbackPlan): Promise<RollbackEstimate> {
  const page = await store.list({ pipeline: pipeline.name, status: ['succeeded'], limit: RECENT_RUNS });
  const history: ExecutionState[] = [];
  for (const summary of page.executions) history.push(foldExecution(await store.read(summary.execution_id)));
  // Restored tasks never started, so they add no samples: the medians are of real runs.
  const estimate = estimateDurations(history);
  const restored = new Set(plan.restored.map((task) => task.task));
  const { graph, nodes } = graphOfPipeline(pipeline);
  const longest = (skip: ReadonlySet<string>): number | undefined => {
    if (nodes.some((node) => !skip.has(node.id) && !estimate.taskSeconds.has(node.id))) return undefined;
    const lengths = remainingPathLengths(graph, (index) => {
      const id = nodes[index]?.id as string;
      return skip.has(id) ? 0 : (estimate.taskSeconds.get(id) as number);
    });
    return lengths.reduce((max, length) => Math.max(max, length), 0);
  };
  const rollbackSeconds = longest(restored);
  const fullSeconds = longest(new Set());
  return { ...(rollbackSeconds !== undefined ? { rollbackSeconds } : {}), ...(fullSeconds !== undefined ? { fullSeconds } : {}), executions: estimate.executions };
}

