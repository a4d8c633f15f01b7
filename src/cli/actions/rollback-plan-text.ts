import type { RollbackEstimate } from '../../rollback/estimate-rollback.js';
import type { RollbackPlan } from '../../rollback/plan-rollback.js';
import type { RollbackTarget } from '../../rollback/resolve-target.js';
import { formatBytes, formatDuration } from '../console/describe-event.js';

/** The dry run's plan as JSON: what a script reads instead of the text. */
export function rollbackPlanJson(target: RollbackTarget, plan: RollbackPlan, estimate: RollbackEstimate): object {
  return {
    rollback_of: target.rolledBack.executionId,
    strategy: plan.strategy,
    target_sha: target.sha,
    chosen_by: target.chosenBy,
    restored_from: target.source?.executionId ?? null,
    ds: target.ds,
    restored: plan.restored.map((task) => ({
      task: task.task,
      artifacts: task.artifacts.map((artifact) => ({ path: artifact.path, type: artifact.type, size_bytes: artifact.sizeBytes, sha256: artifact.sha256 })),
    })),
    rerun: plan.rerun,
    estimated_seconds: estimate.rollbackSeconds ?? null,
    estimated_full_run_seconds: estimate.fullSeconds ?? null,
    estimate_from_executions: estimate.executions,
  };
}

/** The dry run's plan as people read it: restored tasks with their artifacts and sizes, tasks that run, time. */
export function rollbackPlanText(target: RollbackTarget, plan: RollbackPlan, estimate: RollbackEstimate): string {
  const lines = [`[DRY-RUN] Rollback plan for execution ${target.rolledBack.executionId} (strategy ${plan.strategy}):`];
  lines.push(`  Commit: ${target.sha} (${target.chosenBy})`);
  lines.push(`  New execution: trigger rollback, rollback_of ${target.rolledBack.executionId}, ds ${target.ds}`);
  const artifacts = plan.restored.flatMap((task) => task.artifacts);
  const bytes = artifacts.reduce((sum, artifact) => sum + artifact.sizeBytes, 0);
  if (plan.restored.length === 0) lines.push('  Restore: nothing');
  else {
    lines.push(`  Restore from execution ${target.source?.executionId} (${plan.restored.length} task${plan.restored.length === 1 ? '' : 's'}, ${artifacts.length} artifact${artifacts.length === 1 ? '' : 's'}, ${formatBytes(bytes)}):`);
    for (const task of plan.restored) {
      lines.push(`    - ${task.task}${task.artifacts.length === 0 ? ' (declares no outputs)' : ''}`);
      for (const artifact of task.artifacts) lines.push(`        ${artifact.path} (${formatBytes(artifact.sizeBytes)}, sha256 ${artifact.sha256.slice(0, 12)})`);
    }
  }
  if (plan.rerun.length === 0) lines.push('  Re-run: nothing');
  else {
    lines.push(`  Re-run (${plan.rerun.length} task${plan.rerun.length === 1 ? '' : 's'}):`);
    for (const task of plan.rerun) lines.push(`    - ${task.task}: ${task.reason}`);
  }
  lines.push(`  Estimated time: ${describeEstimate(estimate)}`);
  lines.push('[DRY-RUN] No changes applied (remove --dry-run to execute)');
  return `${lines.join('\n')}\n`;
}

function describeEstimate(estimate: RollbackEstimate): string {
  if (estimate.rollbackSeconds === undefined) return 'unknown (a task that runs again has no succeeded run in the history yet)';
  const full = estimate.fullSeconds === undefined ? '' : `, a full run ${formatDuration(estimate.fullSeconds)}`;
  return `${formatDuration(estimate.rollbackSeconds)}${full} (task medians of ${estimate.executions} succeeded execution${estimate.executions === 1 ? '' : 's'})`;
}
