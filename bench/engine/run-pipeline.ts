import { interceptAppends } from '../../src/engine/launch-redaction.js';
import { prepareExecution } from '../../src/engine/prepare-execution.js';
import { localCapacity, ResourcePool } from '../../src/engine/resource-pool.js';
import { runExecution, type ExecutionOutcome } from '../../src/engine/run-execution.js';
import type { Executor } from '../../src/executors/executor.js';
import type { LocalExecutor } from '../../src/executors/local-executor.js';
import type { Pipeline } from '../../src/spec/schema/pipeline.js';
import type { StateStore } from '../../src/state/state-store.js';

/** What one benchmark execution cost, measured around `runExecution` in this process. */
export interface EngineRun {
  executionId: string;
  outcome: ExecutionOutcome;
  wallMs: number;
  /** User + system CPU of this process during the run: engine, store and executor bookkeeping. */
  cpuMs: number;
  /** `store.append` calls and the events they carried: how well group commit batches. */
  appends: number;
  events: number;
  /** How long each `store.append` took to resolve (durable): the ledger's lag behind the engine, which never waits for it. */
  appendMs: number[];
  /** Per task id, `process.hrtime.bigint()` when the executor's result settled (only with `stampResults`). */
  resultAt: Map<string, bigint>;
  /** Per task id, milliseconds spent inside the executor's synchronous `start()` (the spawn call; only with `stampResults`). */
  startCallMs: Map<string, number>;
}

export interface RunOptions {
  pipeline: Pipeline;
  store: StateStore;
  executor: LocalExecutor;
  /** The checkout tasks run in, and the work directory for their outputs. */
  workspace: string;
  workdir: string;
  /**
   * Stamp the moment each attempt's result settles, on the same clock as the ledger's `mono_ns`,
   * so the gap to the next `task.started` can be split into executor and engine time.
   */
  stampResults?: boolean;
}

/**
 * Runs one pipeline the way `pipeline execute` will: `prepareExecution` builds the request,
 * the real local executor runs the tasks, and the store given records every transition.
 */
export async function runPipeline(options: RunOptions): Promise<EngineRun> {
  const { request } = prepareExecution({
    pipeline: options.pipeline,
    pipelineFile: `${options.pipeline.name}.yaml`,
    pipelineHash: 'bench',
    workspace: options.workspace,
    workdir: options.workdir,
    env: {},
    secrets: {},
    trigger: 'cli',
    triggeredBy: 'bench',
  });
  const resultAt = new Map<string, bigint>();
  const startCallMs = new Map<string, number>();
  const executor = options.stampResults ? stampingExecutor(options.executor, resultAt, startCallMs) : options.executor;
  const counted = countingStore(options.store);
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const outcome = await runExecution(request, { store: counted.store, executorFor: () => executor, pool: new ResourcePool(localCapacity()) });
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  if (outcome.status !== 'succeeded') throw new Error(`The benchmark execution ${outcome.executionId} of ${options.pipeline.name} ended ${outcome.status}: ${outcome.reason ?? 'no reason'}`);
  return { executionId: request.executionId, outcome, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, appends: counted.appends(), events: counted.events(), appendMs: counted.appendMs, resultAt, startCallMs };
}

function stampingExecutor(inner: Executor, resultAt: Map<string, bigint>, startCallMs: Map<string, number>): Executor {
  return {
    name: inner.name,
    start(attempt, io) {
      const called = performance.now();
      const running = inner.start(attempt, io);
      startCallMs.set(attempt.taskId, performance.now() - called);
      return {
        ...running,
        result: running.result.then((result) => {
          resultAt.set(attempt.taskId, process.hrtime.bigint());
          return result;
        }),
      };
    },
  };
}

/** The same store, counting appends and events on the way through. */
function countingStore(store: StateStore): { store: StateStore; appends: () => number; events: () => number; appendMs: number[] } {
  let appends = 0;
  let events = 0;
  const appendMs: number[] = [];
  const counted = interceptAppends(store, async (request) => {
    appends++;
    events += request.events.length;
    const start = performance.now();
    const written = await store.append(request);
    appendMs.push(performance.now() - start);
    return written;
  });
  return { store: counted, appends: () => appends, events: () => events, appendMs };
}
