import type { ExecutionState } from './fold.js';

const COLUMNS = [
  'execution_id',
  'pipeline',
  'commit_sha',
  'execution_status',
  'stage',
  'task',
  'status',
  'attempt',
  'exit_code',
  'started_at',
  'completed_at',
  'cpu_seconds',
  'memory_mb_peak',
  'artifacts',
  'error',
] as const;

/** One row per task of the folded state (RFC 4180: CRLF, quotes doubled), header first. */
export function formatTaskCsv(state: ExecutionState): string {
  const rows: (string | number | null)[][] = [[...COLUMNS]];
  for (const stage of state.stages) {
    for (const task of stage.tasks) {
      rows.push([
        state.execution_id,
        state.pipeline,
        state.commit_sha,
        state.status,
        stage.name,
        task.id,
        task.status,
        task.attempt,
        task.exit_code,
        task.started_at,
        task.completed_at,
        task.resource_usage?.cpu_seconds ?? null,
        task.resource_usage?.memory_mb_peak ?? null,
        task.artifacts.length,
        task.error,
      ]);
    }
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // A leading = + - @ makes spreadsheets run the cell as a formula: quote-prefix it.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replaceAll('"', '""')}"` : safe;
}
