import { UsageError } from '../../errors.js';
import { foldExecution, type ExecutionState } from '../../state/fold.js';
import { matchesTask } from '../../state/log-records.js';
import type { LogRecord } from '../../state/log-store.js';
import { openStores, readExecution, taskHint, taskIdsOf, type StoreFlags } from './state-options.js';

interface LogsFlags extends StoreFlags {
  executionId: string;
  task?: string;
  follow?: boolean;
  lines: number;
  full?: boolean;
  timestamps?: boolean;
  format: 'text' | 'json';
}

/** `logs`: the stored output of an execution, then with --follow every new line until it finishes or Ctrl-C. */
export async function printLogs(flags: LogsFlags): Promise<void> {
  await using stores = await openStores(flags);
  const stop = new AbortController();
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    stop.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    // Watched before the state is read, so a finish in between is still seen.
    const ledger = flags.follow ? stores.state.watch({ executionId: flags.executionId, signal: stop.signal }) : undefined;
    const state = foldExecution(await readExecution(stores, flags.executionId));
    if (flags.task !== undefined) checkTask(state, flags.task);
    const logs = await stores.logs();
    const task = flags.task;
    const print = (records: readonly LogRecord[]) => records.length > 0 && process.stdout.write(records.map((record) => formatLine(record, flags)).join(''));
    const stored = await logs.read(flags.executionId, task !== undefined ? { task } : {});
    print(flags.full ? stored : flags.lines === 0 ? [] : stored.slice(-flags.lines));
    if (!ledger || state.status !== 'running') return;

    const finished = (async () => {
      for await (const event of ledger) if (event.type === 'execution.finished') return stop.abort();
    })();
    // From the first line, skipping those printed above: nothing is lost or repeated between the read and the follow.
    let seen = 0;
    for await (const record of logs.follow(flags.executionId, { ...(task !== undefined ? { task } : {}), fromStart: true, signal: stop.signal })) {
      if (++seen > stored.length) print([record]);
    }
    await finished;
    // The engine stores every line before it records the finish, but the follow may stop
    // before it has read the last ones: print whatever it had not reached.
    if (!interrupted) print((await logs.read(flags.executionId, task !== undefined ? { task } : {})).slice(Math.max(seen, stored.length)));
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    stop.abort();
  }
}

function formatLine(record: LogRecord, flags: LogsFlags): string {
  if (flags.format === 'json') {
    return `${JSON.stringify({ timestamp: record.at, task: record.task, attempt: record.attempt, stream: record.stream, level: record.stream === 'stderr' ? 'error' : 'info', message: record.text })}\n`;
  }
  const time = flags.timestamps ? `${record.at} ` : '';
  // One task asked for: its own output, as it wrote it, so `> task.log` is the task's log.
  const label = flags.task === undefined ? `[${record.task}] ` : '';
  return `${time}${label}${record.text}\n`;
}

function checkTask(state: ExecutionState, task: string): void {
  const ids = taskIdsOf(state);
  if (ids.some((id) => matchesTask({ task: id, attempt: 0, stream: 'stdout', at: '', text: '' }, task))) return;
  throw new UsageError(`Execution ${state.execution_id} has no task \`${task}\`${taskHint(task, ids) || '.'} Its tasks: ${ids.join(', ') || '(none)'}.`);
}
