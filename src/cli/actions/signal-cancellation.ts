import { constants } from 'node:os';
import type { Executor } from '../../executors/executor.js';

export interface SignalCancellation {
  /** Aborts on the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** Whether a signal arrived. */
  readonly received: boolean;
  /** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM. */
  readonly exitCode: number;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * Graceful first, forceful second: the first SIGINT or SIGTERM aborts the execution (the engine
 * stops dispatching and the executor kills each task's process group, SIGTERM then SIGKILL after
 * a grace period); a second one kills every running task's group at once and exits.
 */
export function cancelOnSignals(options: { pids: () => Iterable<number>; notice: (message: string) => void }): SignalCancellation {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (!received) {
      received = name;
      options.notice(`${name}: cancelling the execution; running tasks are being stopped (send it again to kill them at once)`);
      controller.abort(new Error(`cancelled by ${name}`));
      return;
    }
    options.notice(`${name} again: killing the running tasks and exiting`);
    for (const pid of options.pids()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    process.exit(128 + constants.signals[received]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get received() {
      return received !== undefined;
    },
    get exitCode() {
      return received ? 128 + constants.signals[received] : 1;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * The process ids of attempts running right now, from the executor itself: a forced stop must
 * reach a task that started a moment ago, before its start is in the ledger.
 */
export function trackProcesses(inner: Executor): { executor: Executor; pids: Set<number> } {
  const pids = new Set<number>();
  const executor: Executor = {
    name: inner.name,
    start(attempt, io) {
      const running = inner.start(attempt, io);
      const { pid } = running;
      if (pid !== undefined) {
        pids.add(pid);
        void running.result.then(() => pids.delete(pid));
      }
      return running;
    },
  };
  return { executor, pids };
}
