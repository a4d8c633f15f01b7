import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AttemptResult } from '../../executors/executor.js';
import { runSqlAttempt, SQL_CONNECTION_VARIABLES } from '../../executors/sql-attempt.js';
import { configString, executionDirectory, HOOK_TIMEOUT_DEFAULTS, makeOutputTail, timeoutSeconds, type HookCall, type HookOutcome } from './hook-call.js';

/** Output lines kept for the event: the command tags (`INSERT 0 1`, `COMMIT`) or the error with its position. */
const TAIL_LINES = 8;

/**
 * `sql`: the file `script` (relative to the checkout) or the text `config.sql`, in one
 * transaction on PostgreSQL, by the same code as `sql_script` tasks. The connection string is
 * `config.connection` (rendered, so `{{ secrets.DW }}` works) or the task env's `DW_CONNECTION`
 * or `DATABASE_URL`. Like `sql_script` files, the SQL itself is not templated.
 */
export async function runSqlHook(call: HookCall, killGraceMs: number): Promise<HookOutcome> {
  const connection = connectionOf(call);
  if (!connection) {
    return { status: 'failed', message: 'A `sql` hook needs a connection string: set `config.connection` (such as "{{ secrets.DW_CONNECTION }}") or DW_CONNECTION/DATABASE_URL in the task\'s env; nothing was run' };
  }
  const file = await sqlFileOf(call);
  if (!file) return { status: 'failed', message: 'A `sql` hook needs `script:` (a SQL file) or `config.sql`; nothing was run' };
  const seconds = timeoutSeconds(call.hook, HOOK_TIMEOUT_DEFAULTS.processSeconds);
  const tail = makeOutputTail(TAIL_LINES);
  const { spec } = call.input;
  const running = runSqlAttempt(
    {
      executionId: call.input.executionId,
      taskId: call.input.task?.id ?? 'notifications',
      attempt: spec?.attempt ?? 0,
      type: 'sql_script',
      env: { DW_CONNECTION: connection },
      cwd: spec?.cwd ?? call.options.workspace,
      timeoutSeconds: seconds,
      secrets: call.secrets(),
      sqlFile: file,
    },
    { signal: call.signal, onLine: tail.onLine },
    { maxLineBytes: 64 * 1024, killGraceMs },
  );
  const result = await running.result;
  return { status: result.exitCode === 0 ? 'sent' : 'failed', message: tail.format(describeResult(result, seconds)) };
}

function connectionOf(call: HookCall): string | undefined {
  const configured = configString(call, 'connection');
  if (configured) return call.render(configured);
  const env = call.input.spec?.env ?? {};
  return SQL_CONNECTION_VARIABLES.map((name) => env[name]).find((value) => value !== undefined && value !== '');
}

/**
 * The file to run. Inline SQL is written into the execution's directory first, so an error's
 * file:line:column points at something the user can open.
 */
async function sqlFileOf(call: HookCall): Promise<string | undefined> {
  const script = call.hook.script ?? configString(call, 'script');
  if (script) return resolve(call.input.spec?.cwd ?? call.options.workspace, call.render(script));
  const sql = configString(call, 'sql');
  if (!sql) return undefined;
  const directory = join(executionDirectory(call), 'hooks');
  await mkdir(directory, { recursive: true });
  const owner = (call.input.task?.id ?? 'pipeline').replace(/[^\w.-]/g, '_');
  const file = join(directory, `${owner}.${call.input.when.replace('notifications.', 'notifications-')}.${call.index}.sql`);
  await writeFile(file, sql);
  return file;
}

function describeResult(result: AttemptResult, seconds: number): string {
  if (result.startError) return result.startError;
  if (result.timedOut) return `timed out after ${seconds} s and was rolled back`;
  if (result.cancelled) return 'stopped; nothing was committed';
  return result.exitCode === 0 ? 'committed' : 'failed; nothing was committed';
}
