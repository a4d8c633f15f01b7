import type { Pipeline } from '../../src/spec/schema/pipeline.js';

export const CRASH_TASKS = 24;

/**
 * A layered DAG of short shell tasks; each appends its attempt number to `runs.<task>`, so the
 * test can tell, whatever the ledger says, how often and as which attempt each one really ran.
 */
export function crashPipeline(): Pipeline {
  const tasks = Array.from({ length: CRASH_TASKS }, (_, index) => ({
    name: `t${index}`,
    type: 'shell' as const,
    command: 'echo "$ATTEMPT" >> "$WORK/runs.$TASK_NAME"; sleep 0.03',
    retry: false,
    // Each task of a layer of four waits for the one above it and for its left neighbour.
    ...(index >= 4 ? { dependencies: [...new Set([`t${index - 4}`, `t${index - (index % 4 === 0 ? 4 : 1)}`])] } : {}),
  }));
  return { version: '2.1', name: 'crash', config: { parallel: true, max_concurrent: 4 }, stages: [{ name: 's', tasks }] };
}
