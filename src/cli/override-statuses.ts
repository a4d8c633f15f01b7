/** What `state set --status` may record: for the execution, and with `--task` for one task. */
export const EXECUTION_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'];
export const TASK_STATUSES = ['pending', 'ready', 'running', 'retrying', 'succeeded', 'failed', 'skipped', 'cancelled'];
