import type { StoredArtifact } from '../artifacts/artifact-store.js';
import { graphOfPipeline } from '../dag/pipeline-graph.js';
import type { ExecutionState } from '../state/fold.js';
import type { PipelineAtCommit } from './task-versions.js';

export type RollbackStrategy = 'checkpoint' | 'restart' | 'revert';

/** A task the rollback does not run: its artifacts come back from the source execution. */
export interface RestoredTask {
  /** `stage.task` */
  task: string;
  artifacts: readonly StoredArtifact[];
}

/** A task the rollback runs, and why it cannot be restored. */
export interface RerunTask {
  /** `stage.task` */
  task: string;
  reason: string;
}

export interface RollbackPlan {
  strategy: RollbackStrategy;
  /** In the pipeline's order. */
  restored: RestoredTask[];
  /** In the pipeline's order. */
  rerun: RerunTask[];
}

export interface PlanRequest {
  strategy: RollbackStrategy;
  /** The pipeline the rollback runs. */
  target: PipelineAtCommit;
  /** Where restored artifacts come from; absent for `revert`. */
  source?: {
    executionId: string;
    /** The pipeline as the source execution ran it. */
    at: PipelineAtCommit;
    state: ExecutionState;
    artifacts: readonly StoredArtifact[];
  };
  /** This stage and every later one run again whatever else holds. */
  fromStage?: string;
}

/**
 * Decides, task by task, what a rollback restores and what it runs. A task is restored when it
 * does the same work at the target as in the source execution (same task version), succeeded
 * there with every declared output stored, and every task upstream of it is restored too (so
 * its inputs are the very files the source read); anything else runs, and so does everything
 * downstream of it. Pure: the caller reads Git and the stores.
 */
export function planRollback(request: PlanRequest): RollbackPlan {
  const { graph, nodes } = graphOfPipeline(request.target.pipeline);
  const plan: RollbackPlan = { strategy: request.strategy, restored: [], rerun: [] };
  const { source } = request;
  const cutoff = request.fromStage === undefined ? Infinity : request.target.pipeline.stages.findIndex((stage) => stage.name === request.fromStage);
  const stageIndex = new Map(request.target.pipeline.stages.map((stage, index) => [stage.name, index]));
  const statuses = new Map<string, string>(source?.state.stages.flatMap((stage) => stage.tasks.map((task) => [`${stage.name}.${task.id}`, task.status] as const)) ?? []);
  const ledgerArtifacts = new Map<string, readonly { path: string; sha256: string }[]>(source?.state.stages.flatMap((stage) => stage.tasks.map((task) => [`${stage.name}.${task.id}`, task.artifacts] as const)) ?? []);
  const reasons = new Map<number, string | null>();

  /** Why node `index` must run (null when it can be restored). */
  const reasonFor = (index: number): string | null => {
    const known = reasons.get(index);
    if (known !== undefined) return known;
    // What the task is comes first, then what feeds it, then how it ended in the source.
    let reason = index < nodes.length ? changeReason(index) : null;
    for (const predecessor of graph.predecessors[index] as number[]) {
      if (reason !== null) break;
      if (reasonFor(predecessor) !== null) reason = `upstream ${upstreamTask(predecessor)} runs again`;
    }
    if (reason === null && index < nodes.length) reason = outcomeReason(index);
    reasons.set(index, reason);
    return reason;
  };
  /** The first task behind a barrier node that runs, for a reason that names a task. */
  const upstreamTask = (index: number): string => {
    if (index < nodes.length) return nodes[index]?.id as string;
    const behind = (graph.predecessors[index] as number[]).find((predecessor) => reasonFor(predecessor) !== null);
    return behind === undefined ? 'stage' : upstreamTask(behind);
  };
  const changeReason = (index: number): string | null => {
    const node = nodes[index]!;
    if (!source) return 'revert runs every task';
    if ((stageIndex.get(node.stage.name) ?? 0) >= cutoff) return `in stage ${request.fromStage} or later`;
    const before = source.at.taskVersions.get(node.id);
    if (before === undefined) return `new at ${request.target.sha.slice(0, 12)}`;
    if (before !== request.target.taskVersions.get(node.id)) return `changed between ${source.at.sha.slice(0, 12)} and ${request.target.sha.slice(0, 12)}`;
    return null;
  };
  const outcomeReason = (index: number): string | null => {
    const node = nodes[index]!;
    if (!source) return null;
    const status = statuses.get(node.id) ?? 'pending';
    if (status !== 'succeeded') return `${status} in execution ${source.executionId}`;
    const stored = source.artifacts.filter((artifact) => artifact.task === node.id);
    const declared = node.task.output_artifacts?.length ?? 0;
    if (stored.length < declared) return `${declared - stored.length} of its ${declared} outputs are not stored for execution ${source.executionId}`;
    // The ledger is the record; an index entry that disagrees with it is not restored on trust.
    const recorded = ledgerArtifacts.get(node.id) ?? [];
    const agrees = stored.length === recorded.length && stored.every((artifact) => recorded.some((entry) => entry.path === artifact.path && entry.sha256 === artifact.sha256));
    if (!agrees) return `its stored artifacts differ from what execution ${source.executionId}'s ledger recorded`;
    return null;
  };

  nodes.forEach((node, index) => {
    const reason = reasonFor(index);
    if (reason !== null) plan.rerun.push({ task: node.id, reason });
    else plan.restored.push({ task: node.id, artifacts: source?.artifacts.filter((artifact) => artifact.task === node.id) ?? [] });
  });
  return plan;
}
