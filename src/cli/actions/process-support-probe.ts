import { primeProcessSupport } from '../../executors/process-support.js';

/**
 * Starts the local executor's one-time probe of the machine (cgroup v2, prlimit) in the
 * background, for a command that will run tasks: its probe shell then runs while the command
 * validates, resolves commits and plans, instead of blocking the first task. Whatever it finds
 * is what the executor uses; if it fails, the executor probes again when it starts.
 */
export function startProbingProcessSupport(): void {
  primeProcessSupport().catch(() => undefined);
}
