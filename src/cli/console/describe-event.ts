import type { NewEvent } from '../../state/events.js';

/** How a transition reads on the console: a short tag and a sentence, the same in every format. */
export interface EventLine {
  tag: 'RUN' | 'DONE' | 'FAIL' | 'RETRY' | 'SKIP' | 'CANCEL' | 'ARTIFACT' | 'HOOK' | 'INFO';
  /** The task the line is about, when there is one. */
  task?: string;
  message: string;
}

/**
 * Words for the events a person watching a run cares about; `task.ready`, `task.exited` and
 * the execution's own events return undefined (the header and the summary cover those).
 */
export function describeEvent(event: NewEvent, durations: ReadonlyMap<string, number>): EventLine | undefined {
  switch (event.type) {
    case 'task.started':
      return { tag: 'RUN', task: event.task, message: `${event.task} started (attempt ${event.attempt}${event.pid !== undefined ? `, pid ${event.pid}` : ''})` };
    case 'task.succeeded': {
      const ms = durations.get(event.task);
      return { tag: 'DONE', task: event.task, message: `${event.task} succeeded${ms !== undefined ? ` in ${formatDuration(ms / 1000)}` : ''}` };
    }
    case 'task.failed':
      return { tag: 'FAIL', task: event.task, message: `${event.task} failed on attempt ${event.attempt}: ${event.reason}` };
    case 'task.retrying':
      return { tag: 'RETRY', task: event.task, message: `${event.task} attempt ${event.attempt} failed (${event.reason}); retrying in ${formatDuration(event.delay_ms / 1000)}` };
    case 'task.skipped':
      return { tag: 'SKIP', task: event.task, message: `${event.task} skipped: ${event.reason}` };
    case 'task.cancelled':
      return { tag: 'CANCEL', task: event.task, message: `${event.task} cancelled: ${event.reason}` };
    case 'artifact.stored':
      return { tag: 'ARTIFACT', task: event.task, message: `${event.task} stored ${event.path} (${formatBytes(event.size_bytes)}, sha256:${event.sha256.slice(0, 12)})` };
    case 'hook.ran':
      return { tag: 'HOOK', ...(event.task ? { task: event.task } : {}), message: `${event.when} ${event.hook_type} hook ${event.status}${event.message ? `: ${event.message}` : ''}` };
    default:
      return undefined;
  }
}

/** `850ms`, `12.3s`, `4m 05s`, `1h 02m`. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
