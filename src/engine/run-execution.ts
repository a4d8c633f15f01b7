import { setMaxListeners } from 'node:events';
import { remainingPathLengths } from '../dag/critical-path.js';
import { graphOfPipeline, type PlannedTask } from '../dag/pipeline-graph.js';
import type { AttemptResult, AttemptSpec } from '../executors/executor.js';
import type { EventBody, ValidationOutcome } from '../state/events.js';
import { dispatcherFor, PRIORITY_RANK, type DispatchSource } from './dispatcher.js';
import { EventWriter } from './event-writer.js';
import { HookCalls } from './hook-calls.js';
import { PriorityQueue } from './priority-queue.js';
import type { EngineDependencies, ExecutionOutcome, ExecutionRequest } from './execution-request.js';
import type { ResourceAmount } from './resource-pool.js';
import { effectiveRetry, isRetryable, retryDelayMs, type EffectiveRetry } from './retry-policy.js';
import type { AfterSuccess, BeforeAttempt } from './task-lifecycle.js';
import { decideTrigger, SKIPPED_BY_USER, type TriggerRule, type UpstreamOutcome } from './trigger-rules.js';

export type { EngineDependencies, ExecutionOutcome, ExecutionRequest } from './execution-request.js';

/** `finishing` covers afterSuccess and a task's own hooks: the process is gone, the task is not done. */
type NodeState = 'waiting' | 'queued' | 'running' | 'finishing' | 'delayed' | 'done';
/** What successors see; a task skipped because its upstream failed passes on `failed` (Airflow's upstream_failed). */
type Outcome = 'succeeded' | 'failed' | 'skipped';

/**
 * Runs one execution: keeps the ready set incrementally (a counter of unfinished predecessors
 * per node, never a scan), dispatches the longest remaining path first within the capacity
 * left (sharing the pool by priority with other executions), retries with backoff, applies
 * trigger rules, runs hooks, and records every transition.
 */
export async function runExecution(request: ExecutionRequest, deps: EngineDependencies, signal?: AbortSignal): Promise<ExecutionOutcome> {
  const { graph, nodes } = graphOfPipeline(request.pipeline);
  const { pipeline, executionId, header } = request;
  const taskCount = nodes.length;
  // A ledger that cannot be written stops the execution: work it cannot record must not go on.
  const writer = new EventWriter(deps.store, executionId, deps.onEvents, () => stop('failed', 'the ledger could not be written'));
  const pathLength = remainingPathLengths(graph);
  const waitingOn = new Int32Array(graph.nodeCount);
  const upstream: UpstreamOutcome[] = [];
  const state: NodeState[] = [];
  const attempts = new Int32Array(taskCount);
  const firstAttempt = new Int32Array(taskCount);
  const retries: EffectiveRetry[] = [];
  const amounts: (ResourceAmount | undefined)[] = new Array<ResourceAmount | undefined>(taskCount);
  const ready = new PriorityQueue<number>();
  const timers = new Set<NodeJS.Timeout>();
  const abort = new AbortController();
  // Every running attempt listens to this one signal; the count is bounded by capacity, not a leak.
  setMaxListeners(Infinity, abort.signal);
  const dispatcher = dispatcherFor(deps.pool);
  const hooks = new HookCalls(writer, deps.runHooks, { pipeline: pipeline.name, execution_id: executionId, ds: header.ds, commit_sha: header.commit_sha ?? null, trace_id: header.trace_id });
  let running = 0;
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
  }
  nodes.forEach((node, index) => {
    attempts[index] = firstAttempt[index] = request.previousAttempts?.get(node.id) ?? 0;
    retries.push(effectiveRetry(node.task.retry, pipeline.config?.retry_policy, request.retryDefaults));
  });

  if (!request.resumed) {
    writer.emit({ type: 'execution.created', pipeline: pipeline.name, stages: pipeline.stages.map((stage) => ({ name: stage.name, tasks: stage.tasks.map((task) => task.name) })), ...header });
  }

  const isSkipped = (node: PlannedTask) => request.skip?.has(node.id) === true || request.skip?.has(node.task.name) === true;
  const amountOf = (node: number) => (amounts[node] ??= request.requestOf(nodes[node] as PlannedTask));

  /** A node's fate is sealed: tell its successors, and finish when every node is done. */
  const complete = (node: number, result: Outcome) => {
    state[node] = 'done';
    finishedNodes++;
    for (const successor of graph.successors[node] as number[]) {
      (upstream[successor] as UpstreamOutcome)[result]++;
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
      writer.emit({ type: 'task.skipped', task: planned.id, reason: SKIPPED_BY_USER });
      // A task the user chose to skip counts as done for what follows it.
      return complete(node, 'succeeded');
    }
    const decision = decideTrigger((planned.task.trigger_rule ?? 'all_success') as TriggerRule, counts);
    if (!decision.run) {
      writer.emit({ type: 'task.skipped', task: planned.id, reason: decision.reason });
      return complete(node, counts.failed > 0 ? 'failed' : 'skipped');
    }
    writer.emit({ type: 'task.ready', task: planned.id });
    state[node] = 'queued';
    ready.push(node, pathLength[node] as number);
  };

  const source: DispatchSource = {
    rank: PRIORITY_RANK[header.priority] ?? PRIORITY_RANK.normal,
    headPathLength: () => (ready.size === 0 || running >= maxConcurrent || stopReason ? -1 : (pathLength[ready.peek() as number] as number)),
    headAmount: () => amountOf(ready.peek() as number),
    startHead: () => start(ready.pop() as number),
  };

  const start = (node: number) => {
    const planned = nodes[node] as PlannedTask;
    const attempt = (attempts[node] = (attempts[node] as number) + 1);
    running++;
    state[node] = 'running';
    let spec: AttemptSpec;
    try {
      spec = request.buildAttempt(planned, attempt);
    } catch (error) {
      // A template that cannot be rendered is the pipeline's fault: fail at once, no retry.
      writer.emit({ type: 'task.started', task: planned.id, attempt, idempotency_key: `${executionId}:${planned.id}:${attempt}` });
      return finishAttempt(node, planned, attempt, undefined, startFailure((error as Error).message));
    }
    if (deps.beforeAttempt) void prepareThenSpawn(deps.beforeAttempt, node, planned, attempt, spec);
    else spawn(node, planned, attempt, spec);
  };

  const prepareThenSpawn = async (beforeAttempt: BeforeAttempt, node: number, planned: PlannedTask, attempt: number, spec: AttemptSpec) => {
    const prepared = await beforeAttempt({ executionId, task: planned, attempt, spec }).catch((error: unknown) => ({ events: [] as EventBody[], failure: (error as Error).message }));
    for (const event of prepared.events) writer.emit(event);
    if (!stopReason && prepared.failure === undefined) return spawn(node, planned, attempt, spec);
    running--;
    deps.pool.release(amountOf(node));
    if (stopReason) cancel(node, planned, stopReason.reason);
    else fail(node, planned, attempt, { reason: prepared.failure as string }, spec);
    dispatcher.dispatch();
  };

  const spawn = (node: number, planned: PlannedTask, attempt: number, spec: AttemptSpec) => {
    let handle;
    try {
      handle = deps.executorFor(spec.type).start(spec, { signal: abort.signal, onLine: (line) => deps.onOutput?.(planned.id, attempt, line) });
    } catch (error) {
      writer.emit({ type: 'task.started', task: planned.id, attempt, idempotency_key: `${executionId}:${planned.id}:${attempt}` });
      return finishAttempt(node, planned, attempt, spec, startFailure((error as Error).message));
    }
    writer.emit({ type: 'task.started', task: planned.id, attempt, ...(handle.pid === undefined ? {} : { pid: handle.pid }), idempotency_key: `${executionId}:${planned.id}:${attempt}` });
    void handle.result.then((result) => finishAttempt(node, planned, attempt, spec, result));
  };

  const finishAttempt = (node: number, planned: PlannedTask, attempt: number, spec: AttemptSpec | undefined, result: AttemptResult) => {
    running--;
    deps.pool.release(amountOf(node));
    writer.emit({ type: 'task.exited', task: planned.id, attempt, exit_code: result.exitCode, signal: result.signal, timed_out: result.timedOut, duration_ms: Math.round(result.durationMs), ...(result.resourceUsage ? { resource_usage: result.resourceUsage } : {}) });
    if (result.exitCode === 0 && !result.cancelled && !result.startError && spec) {
      if (deps.afterSuccess) void verifyThenSucceed(deps.afterSuccess, node, planned, attempt, spec);
      else succeed(node, planned, attempt, spec);
    } else if (result.cancelled || stopReason) {
      cancel(node, planned, stopReason?.reason ?? 'cancelled');
    } else {
      const policy = retries[node] as EffectiveRetry;
      const verdict = isRetryable(result, policy);
      if (verdict.retry && attempt - (firstAttempt[node] as number) < policy.maxAttempts) scheduleRetry(node, planned, attempt, policy, verdict.reason);
      else fail(node, planned, attempt, { reason: result.startError ?? verdict.reason }, spec);
    }
    dispatcher.dispatch();
  };

  const verifyThenSucceed = async (afterSuccess: AfterSuccess, node: number, planned: PlannedTask, attempt: number, spec: AttemptSpec) => {
    state[node] = 'finishing';
    const verified = await afterSuccess({ executionId, task: planned, attempt, spec }).catch((error: unknown) => ({ events: [] as EventBody[], failure: { reason: (error as Error).message } }));
    for (const event of verified.events) writer.emit(event);
    // The attempt's work is done and checked: a stop that came meanwhile does not undo it.
    if (verified.failure) fail(node, planned, attempt, verified.failure, spec);
    else succeed(node, planned, attempt, spec);
    dispatcher.dispatch();
  };

  const scheduleRetry = (node: number, planned: PlannedTask, attempt: number, policy: EffectiveRetry, reason: string) => {
    const delay = retryDelayMs(policy, attempt - (firstAttempt[node] as number), deps.random);
    writer.emit({ type: 'task.retrying', task: planned.id, attempt, delay_ms: delay, reason });
    hooks.run([{ when: 'notifications.on_retry', hooks: pipeline.notifications?.on_retry }], { status: 'retrying', task: planned.id, attempt, reason });
    state[node] = 'delayed';
    const timer = setTimeout(() => {
      timers.delete(timer);
      state[node] = 'queued';
      ready.push(node, pathLength[node] as number);
      dispatcher.dispatch();
    }, delay);
    timers.add(timer);
  };

  /** A task's own hooks are part of finishing it: its successors wait for them, other tasks do not. */
  const settle = (node: number, outcome: Outcome, hookRun: Promise<void> | undefined) => {
    if (!hookRun) return complete(node, outcome);
    state[node] = 'finishing';
    void hookRun.then(() => {
      complete(node, outcome);
      dispatcher.dispatch();
    });
  };

  const succeed = (node: number, planned: PlannedTask, attempt: number, spec: AttemptSpec) => {
    writer.emit({ type: 'task.succeeded', task: planned.id, attempt });
    const { on_success, post_hooks } = planned.task;
    settle(node, 'succeeded', hooks.run([{ when: 'on_success', hooks: on_success }, { when: 'post_hooks', hooks: post_hooks }], { status: 'succeeded', task: planned.id, attempt }, planned, spec));
  };

  const fail = (node: number, planned: PlannedTask, attempt: number, failure: { reason: string; validation?: ValidationOutcome[] }, spec: AttemptSpec | undefined) => {
    failed = true;
    writer.emit({ type: 'task.failed', task: planned.id, attempt, reason: failure.reason, ...(failure.validation ? { validation: failure.validation } : {}) });
    settle(node, 'failed', hooks.run([{ when: 'on_failure', hooks: planned.task.on_failure }], { status: 'failed', task: planned.id, attempt, reason: failure.reason }, planned, spec));
  };

  const cancel = (node: number, planned: PlannedTask, reason: string) => {
    writer.emit({ type: 'task.cancelled', task: planned.id, reason });
    complete(node, 'skipped');
  };

  /** Stops taking work, kills what runs, cancels what waits; the execution ends with this status. */
  const stop = (status: 'failed' | 'cancelled', reason: string) => {
    if (stopReason) return;
    stopReason = { status, reason };
    abort.abort(new Error(reason));
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    // Drain the queue first so the cancellations below cannot re-enter it.
    while (ready.size > 0) ready.pop();
    for (let node = 0; node < taskCount; node++) {
      if (state[node] === 'queued' || state[node] === 'delayed') cancel(node, nodes[node] as PlannedTask, reason);
    }
  };

  const onAbort = () => stop('cancelled', 'cancelled by signal');
  const unregister = dispatcher.register(source);
  const executionTimer = request.timeoutSeconds !== undefined ? setTimeout(() => stop('failed', 'timeout'), request.timeoutSeconds * 1000) : undefined;
  try {
    if (signal?.aborted) stop('cancelled', 'cancelled by signal');
    else signal?.addEventListener('abort', onAbort, { once: true });
    // Roots first, then act: completing one (skipped, already succeeded) may free nodes later in the list.
    const roots: number[] = [];
    for (let node = 0; node < graph.nodeCount; node++) if (waitingOn[node] === 0) roots.push(node);
    for (const node of roots) becomeReady(node);
    if (graph.nodeCount === 0) resolveDone();
    dispatcher.dispatch();
    await done;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (executionTimer) clearTimeout(executionTimer);
    unregister();
  }

  await hooks.settle();
  const status = stopReason?.status ?? (failed ? 'failed' : 'succeeded');
  const reason = stopReason?.reason ?? (failed ? 'a task failed' : undefined);
  const notifications = status === 'succeeded' ? { when: 'notifications.on_success' as const, hooks: pipeline.notifications?.on_success } : { when: 'notifications.on_failure' as const, hooks: pipeline.notifications?.on_failure };
  await hooks.run([notifications], { status, ...(reason ? { reason } : {}) });
  writer.emit({ type: 'execution.finished', status, ...(reason ? { reason } : {}) });
  await writer.flush();
  return { executionId, status, ...(reason ? { reason } : {}) };
}

function startFailure(message: string): AttemptResult {
  return { exitCode: null, signal: null, timedOut: false, cancelled: false, durationMs: 0, startError: message };
}
