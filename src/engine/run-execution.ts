import { remainingPathLengths } from '../dag/critical-path.js';
import { graphOfPipeline, type PlannedTask } from '../dag/pipeline-graph.js';
import type { AttemptResult, AttemptSpec, Executor, OutputLine } from '../executors/executor.js';
import type { ExecutionStatus, EventBody, NewEvent } from '../state/events.js';
import type { StateStore } from '../state/state-store.js';
import { EventWriter } from './event-writer.js';
import { PriorityQueue } from './priority-queue.js';
import type { ResourcePool, ResourceAmount } from './resource-pool.js';
import { effectiveRetry, isRetryable, retryDelayMs, type EffectiveRetry } from './retry-policy.js';
import { decideTrigger, type TriggerRule, type UpstreamOutcome } from './trigger-rules.js';
import type { Pipeline } from '../spec/schema/pipeline.js';

/** Everything one execution needs, resolved before it starts (the engine never reads Git). */
export interface ExecutionRequest {
  executionId: string;
  pipeline: Pipeline;
  /** Execution header recorded in `execution.created`. */
  header: Omit<Extract<EventBody, { type: 'execution.created' }>, 'type' | 'stages' | 'pipeline'>;
  /** Turns a task into an attempt (templates rendered, paths resolved). */
  buildAttempt: (task: PlannedTask, attempt: number) => AttemptSpec;
  /** Resource request of a task, for admission. */
  requestOf: (task: PlannedTask) => ResourceAmount;
  /** `stage.task` or task names to record as skipped; they count as done for what follows. */
  skip?: ReadonlySet<string>;
  /** Execution-wide timeout; when it fires the execution ends `failed` with reason `timeout`. */
  timeoutSeconds?: number;
  maxConcurrent?: number;
  /** Task ids that already succeeded (resume): not run again. */
  alreadySucceeded?: ReadonlySet<string>;
  /** Attempts already used per task (resume): numbering continues. */
  previousAttempts?: ReadonlyMap<string, number>;
  /** Resume: the ledger already holds `execution.created`. */
  resumed?: boolean;
}

export interface EngineDependencies {
  store: StateStore;
  executorFor: (type: string) => Executor;
  pool: ResourcePool;
  /** Task output, line by line; never written to the ledger. */
  onOutput?: (taskId: string, attempt: number, line: OutputLine) => void;
  /** Every event once durable: progress views subscribe here. */
  onEvents?: (events: readonly NewEvent[]) => void;
  random?: () => number;
}

export interface ExecutionOutcome {
  executionId: string;
  status: Exclude<ExecutionStatus, 'pending' | 'running'>;
  reason?: string;
}

type NodeState = 'waiting' | 'queued' | 'running' | 'delayed' | 'done';
type Outcome = 'succeeded' | 'failed' | 'skipped';

/**
 * Runs one execution: keeps the ready set incrementally (a counter of unfinished predecessors
 * per node, never a scan), dispatches the longest remaining path first within the capacity
 * left, retries with backoff, applies trigger rules, and records every transition.
 */
export async function runExecution(request: ExecutionRequest, deps: EngineDependencies, signal?: AbortSignal): Promise<ExecutionOutcome> {
  const { graph, nodes } = graphOfPipeline(request.pipeline);
  const taskCount = nodes.length;
  const writer = new EventWriter(deps.store, request.executionId, deps.onEvents);
  const priority = remainingPathLengths(graph);
  const waitingOn = new Int32Array(graph.nodeCount);
  const upstream: UpstreamOutcome[] = [];
  const state: NodeState[] = [];
  const outcome: (Outcome | undefined)[] = [];
  const attempts = new Int32Array(taskCount);
  const retries: EffectiveRetry[] = [];
  const ready = new PriorityQueue<number>();
  const running = new Map<number, { controller: AbortController; request: ResourceAmount }>();
  const timers = new Set<NodeJS.Timeout>();
  const abort = new AbortController();
  let finishedNodes = 0;
  let failed = false;
  let stopReason: { status: 'failed' | 'cancelled'; reason: string } | undefined;
  const maxConcurrent = request.maxConcurrent ?? Infinity;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  for (let node = 0; node < graph.nodeCount; node++) {
    waitingOn[node] = (graph.predecessors[node] as number[]).length;
    upstream.push({ succeeded: 0, failed: 0, skipped: 0, total: waitingOn[node] as number });
    state.push('waiting');
    outcome.push(undefined);
  }
  nodes.forEach((node, index) => {
    attempts[index] = request.previousAttempts?.get(node.id) ?? 0;
    retries.push(effectiveRetry(node.task.retry, request.pipeline.config?.retry_policy));
  });

  if (!request.resumed) {
    writer.emit({
      type: 'execution.created',
      pipeline: request.pipeline.name,
      stages: request.pipeline.stages.map((stage) => ({ name: stage.name, tasks: stage.tasks.map((task) => task.name) })),
      ...request.header,
    });
  }

  const isSkipped = (node: PlannedTask) => request.skip?.has(node.id) === true || request.skip?.has(node.task.name) === true;

  /** A node's fate is sealed: tell its successors, and finish when every node is done. */
  const complete = (node: number, result: Outcome) => {
    state[node] = 'done';
    outcome[node] = result;
    finishedNodes++;
    for (const successor of graph.successors[node] as number[]) {
      const counts = upstream[successor] as UpstreamOutcome;
      counts[result]++;
      waitingOn[successor] = (waitingOn[successor] as number) - 1;
      if (waitingOn[successor] === 0) becomeReady(successor);
    }
    if (finishedNodes === graph.nodeCount) resolveDone();
  };

  const becomeReady = (node: number) => {
    const counts = upstream[node] as UpstreamOutcome;
    if (node >= taskCount) {
      // A stage barrier passes on the worst outcome of the stage it closes.
      return complete(node, counts.failed > 0 ? 'failed' : counts.skipped > 0 ? 'skipped' : 'succeeded');
    }
    const planned = nodes[node] as PlannedTask;
    if (stopReason) {
      writer.emit({ type: 'task.cancelled', task: planned.id, reason: stopReason.reason });
      return complete(node, 'skipped');
    }
    if (request.alreadySucceeded?.has(planned.id)) return complete(node, 'succeeded');
    if (isSkipped(planned)) {
      writer.emit({ type: 'task.skipped', task: planned.id, reason: 'skipped by --skip-tasks' });
      // A task the user chose to skip counts as done for what follows it.
      return complete(node, 'succeeded');
    }
    const decision = decideTrigger((planned.task.trigger_rule ?? 'all_success') as TriggerRule, counts);
    if (!decision.run) {
      writer.emit({ type: 'task.skipped', task: planned.id, reason: decision.reason });
      return complete(node, 'skipped');
    }
    writer.emit({ type: 'task.ready', task: planned.id });
    state[node] = 'queued';
    ready.push(node, priority[node] as number);
  };

  const dispatch = () => {
    while (ready.size > 0 && running.size < maxConcurrent && !stopReason) {
      const node = ready.peek() as number;
      const planned = nodes[node] as PlannedTask;
      const amount = request.requestOf(planned);
      if (!deps.pool.tryAcquire(amount)) return;
      ready.pop();
      start(node, planned, amount);
    }
  };

  const start = (node: number, planned: PlannedTask, amount: ResourceAmount) => {
    const attempt = (attempts[node] = (attempts[node] as number) + 1);
    const controller = new AbortController();
    running.set(node, { controller, request: amount });
    state[node] = 'running';
    let spec: AttemptSpec;
    try {
      spec = request.buildAttempt(planned, attempt);
    } catch (error) {
      // A template that cannot be rendered is the pipeline's fault: fail at once, no retry.
      writer.emit({ type: 'task.started', task: planned.id, attempt, idempotency_key: `${request.executionId}:${planned.id}:${attempt}` });
      finishAttempt(node, planned, attempt, { exitCode: null, signal: null, timedOut: false, cancelled: false, durationMs: 0, startError: (error as Error).message });
      return;
    }
    const executor = deps.executorFor(spec.type);
    const handle = executor.start(spec, {
      signal: AbortSignal.any([controller.signal, abort.signal]),
      onLine: (line) => deps.onOutput?.(planned.id, attempt, line),
    });
    writer.emit({ type: 'task.started', task: planned.id, attempt, pid: handle.pid, idempotency_key: `${request.executionId}:${planned.id}:${attempt}` });
    void handle.result.then((result) => finishAttempt(node, planned, attempt, result));
  };

  const finishAttempt = (node: number, planned: PlannedTask, attempt: number, result: AttemptResult) => {
    const slot = running.get(node);
    if (slot) {
      running.delete(node);
      deps.pool.release(slot.request);
    }
    writer.emit({ type: 'task.exited', task: planned.id, attempt, exit_code: result.exitCode, signal: result.signal, timed_out: result.timedOut, duration_ms: Math.round(result.durationMs), ...(result.resourceUsage ? { resource_usage: result.resourceUsage } : {}) });
    if (result.exitCode === 0 && !result.cancelled && !result.startError) {
      writer.emit({ type: 'task.succeeded', task: planned.id, attempt });
      complete(node, 'succeeded');
    } else if (result.cancelled || stopReason) {
      writer.emit({ type: 'task.cancelled', task: planned.id, reason: stopReason?.reason ?? 'cancelled' });
      complete(node, 'skipped');
    } else {
      const policy = retries[node] as EffectiveRetry;
      const verdict = isRetryable(result, policy);
      if (verdict.retry && attempt < policy.maxAttempts) {
        const delay = retryDelayMs(policy, attempt, deps.random);
        writer.emit({ type: 'task.retrying', task: planned.id, attempt, delay_ms: delay, reason: verdict.reason });
        state[node] = 'delayed';
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (stopReason) return;
          state[node] = 'queued';
          ready.push(node, priority[node] as number);
          dispatch();
        }, delay);
        timers.add(timer);
      } else {
        failed = true;
        writer.emit({ type: 'task.failed', task: planned.id, attempt, reason: result.startError ?? verdict.reason });
        complete(node, 'failed');
      }
    }
    dispatch();
  };

  /** Stops taking work, cancels what runs and what waits; the execution ends with this status. */
  const stop = (status: 'failed' | 'cancelled', reason: string) => {
    if (stopReason) return;
    stopReason = { status, reason };
    abort.abort(new Error(reason));
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (let node = 0; node < taskCount; node++) {
      if (state[node] === 'queued' || state[node] === 'delayed') {
        writer.emit({ type: 'task.cancelled', task: (nodes[node] as PlannedTask).id, reason });
        complete(node, 'skipped');
      }
    }
    // Queued entries are now done; drop them so dispatch cannot pick them.
    while (ready.size > 0) ready.pop();
  };

  const onAbort = () => stop('cancelled', 'cancelled by signal');
  signal?.addEventListener('abort', onAbort, { once: true });
  const executionTimer = request.timeoutSeconds !== undefined ? setTimeout(() => stop('failed', 'timeout'), request.timeoutSeconds * 1000) : undefined;

  try {
    for (let node = 0; node < graph.nodeCount; node++) if (waitingOn[node] === 0) becomeReady(node);
    if (graph.nodeCount === 0) resolveDone();
    dispatch();
    await done;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (executionTimer) clearTimeout(executionTimer);
  }

  const status = stopReason?.status ?? (failed ? 'failed' : 'succeeded');
  const reason = stopReason?.reason ?? (failed ? 'a task failed' : undefined);
  writer.emit({ type: 'execution.finished', status, ...(reason ? { reason } : {}) });
  await writer.flush();
  return { executionId: request.executionId, status, ...(reason ? { reason } : {}) };
}

