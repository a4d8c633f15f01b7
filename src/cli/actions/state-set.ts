import { userInfo } from 'node:os';
import { UsageError } from '../../errors.js';
import type { NewEvent } from '../../state/events.js';
import { foldExecution, type ExecutionState } from '../../state/fold.js';
import { didYouMean } from '../../validate/suggest.js';
import { EXECUTION_STATUSES, TASK_STATUSES } from '../override-statuses.js';
import { openStores, readExecution, taskHint, taskIdsOf, type StoreFlags } from './state-options.js';

interface StateSetFlags extends StoreFlags {
  executionId: string;
  status: string;
  task?: string;
  reason?: string;
  message?: string;
  by?: string;
  force?: boolean;
  dryRun?: boolean;
}

/** `state set`: appends one `state.overridden` event, compare-and-set on the state just read. */
export async function setState(flags: StateSetFlags): Promise<void> {
  // The seed spells it --message; either gives the reason, which is required.
  const reason = (flags.reason ?? flags.message ?? '').trim();
  if (reason === '') throw new UsageError('`state set` needs --reason "<why>": the change goes into the audit trail with who made it and why.');
  await using stores = await openStores(flags);
  const state = foldExecution(await readExecution(stores, flags.executionId));
  const task = flags.task === undefined ? undefined : resolveTask(state, flags.task);
  checkStatus(flags.status, task);
  if (state.status === 'running' && !flags.force) {
    throw new UsageError(
      `Execution ${state.execution_id} is running: a manual status could race the engine that runs it. Cancel it first, or pass --force to record the change anyway.`,
    );
  }
  const event = {
    type: 'state.overridden',
    ...(task !== undefined ? { task } : {}),
    status: flags.status,
    message: reason,
    by: flags.by ?? userInfo().username,
    mono_ns: process.hrtime.bigint().toString(),
    at: new Date().toISOString(),
  } satisfies NewEvent;
  const target = task ?? 'the execution';
  if (flags.dryRun) {
    process.stdout.write(`Dry run: would append to execution ${state.execution_id} after seq ${state.last_seq} (${target} → ${flags.status}):\n${JSON.stringify(event, null, 2)}\n`);
    return;
  }
  // Compare-and-set on the state just read: if the engine appended meanwhile, nothing is written.
  const { lastSeq } = await stores.state.append({ executionId: state.execution_id, events: [event], expectedSeq: state.last_seq });
  process.stdout.write(`Appended state.overridden as seq ${lastSeq} to execution ${state.execution_id}: ${target} → ${flags.status} (by ${event.by}: ${reason})\n`);
}

/** The `stage.task` id a flag names, or a usage error listing what the execution has. */
function resolveTask(state: ExecutionState, name: string): string {
  const ids = taskIdsOf(state);
  if (ids.includes(name)) return name;
  const bare = ids.filter((id) => id.slice(id.indexOf('.') + 1) === name);
  if (bare.length === 1) return bare[0] as string;
  if (bare.length > 1) throw new UsageError(`Task \`${name}\` is in several stages of execution ${state.execution_id}: name one of ${bare.map((id) => `\`${id}\``).join(', ')}.`);
  throw new UsageError(`Execution ${state.execution_id} has no task \`${name}\`${taskHint(name, ids) || '.'} Its tasks: ${ids.join(', ') || '(none)'}.`);
}

function checkStatus(status: string, task: string | undefined): void {
  const allowed = task === undefined ? EXECUTION_STATUSES : TASK_STATUSES;
  if (!allowed.includes(status)) {
    throw new UsageError(`Expected --status to be one of ${allowed.join(', ')} for ${task === undefined ? 'an execution' : 'a task'}, got \`${status}\`${didYouMean(status, allowed) || '.'}`);
  }
}
