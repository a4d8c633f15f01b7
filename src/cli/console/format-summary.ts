import type { ExecutionState, TaskState } from '../../state/fold.js';
import type { Palette } from './colors.js';
import { formatBytes, formatDuration } from './describe-event.js';
import type { ExecutionReport } from './reporter.js';

/** One task's line in the summary, also what the JSON format reports. */
export interface TaskResult {
  /** `stage.task` */
  task: string;
  status: string;
  attempt: number;
  exit_code: number | null;
  duration_seconds: number | null;
  error: string | null;
}

export function taskResults(state: ExecutionState): TaskResult[] {
  return state.stages.flatMap((stage) =>
    stage.tasks.map((task) => ({
      task: stage.name ? `${stage.name}.${task.id}` : task.id,
      status: task.status,
      attempt: task.attempt,
      exit_code: task.exit_code,
      duration_seconds: taskSeconds(task),
      error: task.error,
    })),
  );
}

/** The end of a run in words: status and duration, every task, and where the outputs are. */
export function formatSummary(report: ExecutionReport, palette: Palette): string {
  const { state } = report;
  const duration = state.duration_seconds !== null ? ` in ${formatDuration(state.duration_seconds)}` : '';
  const reason = state.reason && state.status !== 'succeeded' ? ` (${state.reason})` : '';
  const lines = ['', `${palette.bold(`Execution ${state.execution_id}`)} ${palette.status(state.status)}${duration}${reason}`];
  const results = taskResults(state);
  const width = results.reduce((widest, result) => Math.max(widest, result.task.length), 4);
  for (const result of results) {
    const seconds = result.duration_seconds !== null ? formatDuration(result.duration_seconds) : '-';
    const attempt = result.attempt > 1 ? `  attempt ${result.attempt}` : '';
    const error = result.error && result.status !== 'succeeded' ? `  ${palette.dim(result.error)}` : '';
    lines.push(`  ${result.task.padEnd(width)}  ${palette.status(result.status.padEnd(9))}  ${seconds.padStart(7)}${attempt}${error}`);
  }
  lines.push('', `Outputs:   ${report.outputDir}`);
  if (report.artifacts.length > 0) {
    lines.push('Artifacts: (orchestrate artifact download --execution-id <id> --artifact <path>)');
    const taskWidth = Math.max(...report.artifacts.map((artifact) => artifact.task.length));
    const pathWidth = Math.max(...report.artifacts.map((artifact) => artifact.path.length));
    for (const artifact of report.artifacts) {
      lines.push(`  ${artifact.task.padEnd(taskWidth)}  ${artifact.path.padEnd(pathWidth)}  ${formatBytes(artifact.sizeBytes).padStart(9)}  sha256:${artifact.sha256.slice(0, 12)}`);
    }
  }
  lines.push(`Ledger:    ${report.ledger}`, `Logs:      orchestrate logs --execution-id ${state.execution_id}`);
  if (state.status !== 'succeeded' && report.resumeCommand) lines.push(`Resume:    ${report.resumeCommand}`);
  return `${lines.join('\n')}\n`;
}

function taskSeconds(task: TaskState): number | null {
  if (!task.started_at || !task.completed_at) return null;
  return Math.max(0, (Date.parse(task.completed_at) - Date.parse(task.started_at)) / 1000);
}
