import type { PlannedTask } from '../dag/pipeline-graph.js';
import type { AttemptSpec } from '../executors/executor.js';
import type { Hook } from '../spec/schema/hooks.js';
import type { EventWriter } from './event-writer.js';
import type { HookMoment, RunHooks } from './task-lifecycle.js';

/** One hook list to run, at one moment. */
export interface HookList {
  when: HookMoment;
  hooks: readonly Hook[] | undefined;
}

/** What every hook summary carries; the engine adds the rest per call. */
export interface HookSummaryBase {
  pipeline: string;
  execution_id: string;
  ds: string;
  commit_sha: string | null;
  trace_id: string;
}

/** Per call: the execution's or task's status and, for task hooks, which task and attempt. */
export interface HookSummaryFields {
  status: string;
  task?: string;
  attempt?: number;
  reason?: string;
}

/**
 * Runs hook lists through the `RunHooks` seam and appends the events they return (or, with no
 * runner, an `unsupported` event per hook). Every run is
 * tracked so the execution can wait for all of them before it finishes; a seam that throws
 * despite its contract becomes a failed `hook.ran`, never a crashed execution.
 */
export class HookCalls {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly writer: EventWriter,
    private readonly runHooks: RunHooks | undefined,
    private readonly base: HookSummaryBase,
  ) {}

  /** Runs the non-empty lists one after another; undefined when there is nothing to run. */
  run(lists: readonly HookList[], fields: HookSummaryFields, task?: PlannedTask, spec?: AttemptSpec): Promise<void> | undefined {
    const runHooks = this.runHooks;
    const due = lists.filter((list): list is { when: HookMoment; hooks: readonly Hook[] } => list.hooks !== undefined && list.hooks.length > 0);
    if (due.length === 0) return undefined;
    if (!runHooks) {
      // Declared hooks are never dropped in silence: without a runner each is reported as not run.
      for (const { when, hooks } of due) {
        for (const hook of hooks) this.writer.emit({ type: 'hook.ran', ...(task ? { task: task.id } : {}), when, hook_type: hook.type, status: 'unsupported', message: 'no hook runner was given to this execution' });
      }
      return undefined;
    }
    const summary = { ...this.base, ...fields };
    const run = (async () => {
      for (const { when, hooks } of due) {
        let events;
        try {
          events = await runHooks({ executionId: this.base.execution_id, when, hooks, summary, ...(task ? { task } : {}), ...(spec ? { spec } : {}) });
        } catch (error) {
          events = [{ type: 'hook.ran' as const, ...(task ? { task: task.id } : {}), when, hook_type: (hooks[0] as Hook).type, status: 'failed' as const, message: (error as Error).message }];
        }
        for (const event of events) this.writer.emit(event);
      }
    })();
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
    return run;
  }

  /** Resolves once every hook run started so far (and any they led to) is over. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }
}
