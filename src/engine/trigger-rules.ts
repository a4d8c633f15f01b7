/** How a task's upstream ended, counted when the last of them is done. */
export interface UpstreamOutcome {
  succeeded: number;
  failed: number;
  skipped: number;
  total: number;
}

/** The skip reason of a task named in `--skip-tasks`; a resume keeps such tasks skipped. */
export const SKIPPED_BY_USER = 'skipped by --skip-tasks';

export type TriggerRule = 'all_success' | 'all_done' | 'one_failed' | 'none_failed';

/** Airflow's trigger rules: whether a task whose upstream is all done runs or is skipped, and why. */
export function decideTrigger(rule: TriggerRule, upstream: UpstreamOutcome): { run: true } | { run: false; reason: string } {
  switch (rule) {
    case 'all_success':
      if (upstream.failed > 0) return { run: false, reason: 'an upstream task failed' };
      if (upstream.skipped > 0) return { run: false, reason: 'an upstream task was skipped' };
      return { run: true };
    case 'all_done':
      return { run: true };
    case 'one_failed':
      return upstream.failed > 0 ? { run: true } : { run: false, reason: 'no upstream task failed' };
    case 'none_failed':
      return upstream.failed > 0 ? { run: false, reason: 'an upstream task failed' } : { run: true };
  }
}
