import { readFile } from 'node:fs/promises';
import type { Client, DatabaseError, QueryResult } from 'pg';
import type { AttemptSpec, RunningAttempt } from './executor.js';
import { attemptSignal, makeInProcessAttempt, runInProcess, type InProcessAttempt } from './in-process.js';
import type { AttemptIo } from './local-process.js';
import { makeRedactor } from './redact.js';

export interface SqlAttemptOptions {
  maxLineBytes: number;
  /** After a cancel request, how long the query may take to stop before the connection is dropped. */
  killGraceMs: number;
}

/** Task env variables holding the connection string, in order of preference. */
export const SQL_CONNECTION_VARIABLES = ['DW_CONNECTION', 'DATABASE_URL'] as const;

/**
 * A `sql_script` task: the whole file runs in one transaction on PostgreSQL through `pg`
 * (BEGIN, the file as one multi-statement query, COMMIT; ROLLBACK on any error), no process.
 * Exit code 0 on commit, 1 on an SQL or connection error (retryable); the error's position is
 * reported as file:line:column with the offending line.
 */
export function runSqlAttempt(attempt: AttemptSpec, io: AttemptIo, options: SqlAttemptOptions): RunningAttempt {
  return runInProcess(async () => {
    const connectionString = SQL_CONNECTION_VARIABLES.map((name) => attempt.env[name]).find((value) => value !== undefined && value !== '');
    // The password must not reach the log even when the driver quotes the connection string.
    const redact = makeRedactor([...attempt.secrets, ...(connectionString ? passwordsIn(connectionString) : [])]);
    const out = makeInProcessAttempt(io, redact, options.maxLineBytes);
    if (io.signal.aborted) return out.result({ cancelled: true });
    const file = attempt.sqlFile;
    if (!file) return out.result({ startError: `The \`sql_script\` task \`${attempt.taskId}\` has no SQL file: the engine must set \`sqlFile\` on its attempt` });
    if (!connectionString) {
      return out.result({ startError: `The \`sql_script\` task \`${attempt.taskId}\` has no connection string; set DW_CONNECTION (or DATABASE_URL) in the task's env, for example \`DW_CONNECTION: "{{ secrets.DW_CONNECTION }}"\`` });
    }
    let sql: string;
    try {
      sql = await readFile(file, 'utf8');
    } catch (error) {
      return out.result({ startError: `Cannot read the SQL file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
    }

    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString, application_name: `auto-orchestrator ${attempt.taskId}` });
    client.on('notice', (notice) => out.line('stderr', `${notice.severity ?? 'NOTICE'}: ${notice.message}`));
    // A connection lost mid-query surfaces through the pending query; this only keeps it from being unhandled.
    client.on('error', () => {});
    const { signal, cause } = attemptSignal(io.signal, attempt.timeoutSeconds);
    let connected = false;
    let dropTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (connected) void cancelBackend(pg.Client, connectionString, backendPid(client));
      // A query that ignores the cancel (or a connect that hangs) ends with the connection.
      dropTimer = setTimeout(() => void client.end().catch(() => {}), connected ? options.killGraceMs : 0);
    };
    signal.addEventListener('abort', stop, { once: true });
    let inTransaction = false;
    try {
      await client.connect();
      connected = true;
      if (signal.aborted) throw signal.reason;
      await client.query('BEGIN');
      inTransaction = true;
      const results = (await client.query(sql)) as QueryResult | QueryResult[];
      for (const result of Array.isArray(results) ? results : [results]) {
        if (result.command) out.line('stdout', result.rowCount === null ? result.command : `${result.command} ${result.rowCount}`);
      }
      await client.query('COMMIT');
      out.line('stdout', 'COMMIT');
      return out.result({ exitCode: 0 });
    } catch (error) {
      if (inTransaction) await rollback(client, out);
      const why = cause();
      if (why === 'cancel') return out.result({ cancelled: true });
      if (why === 'timeout') {
        out.line('stderr', `The SQL script timed out after ${attempt.timeoutSeconds} s and was rolled back`);
        return out.result({ timedOut: true });
      }
      reportError(out, error, connected, file, sql);
      return out.result({ exitCode: 1 });
    } finally {
      signal.removeEventListener('abort', stop);
      clearTimeout(dropTimer);
      await client.end().catch(() => {});
    }
  });
}

async function rollback(client: Client, out: InProcessAttempt): Promise<void> {
  try {
    await client.query('ROLLBACK');
    out.line('stderr', 'ROLLBACK');
  } catch {
    // The connection is gone: the server rolls back an open transaction when its session ends.
    out.line('stderr', 'ROLLBACK (by the server: the connection was lost)');
  }
}

/** The server process of the session; pg sets `processID`, which @types/pg spells `processId`. */
function backendPid(client: Client): number | undefined {
  return (client as Client & { processID?: number | null }).processID ?? undefined;
}

/** `pg_cancel_backend` from a second connection: the driver has no CancelRequest of its own. */
async function cancelBackend(ClientClass: typeof Client, connectionString: string, pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const canceller = new ClientClass({ connectionString, application_name: 'auto-orchestrator cancel' });
  canceller.on('error', () => {});
  try {
    await canceller.connect();
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // The drop timer ends the connection anyway.
  } finally {
    await canceller.end().catch(() => {});
  }
}

function reportError(out: InProcessAttempt, error: unknown, connected: boolean, file: string, sql: string): void {
  const database = error as Partial<DatabaseError> & Error;
  if (!connected) {
    out.line('stderr', `Could not connect to PostgreSQL: ${database.message}`);
    return;
  }
  const position = database.position ? locate(sql, Number(database.position)) : undefined;
  const where = position ? `${file}:${position.line}:${position.column}` : file;
  out.line('stderr', `${where}: ${database.severity ?? 'ERROR'}${database.code ? ` ${database.code}` : ''}: ${database.message}`);
  if (position) {
    out.line('stderr', `  ${position.text}`);
    out.line('stderr', `  ${' '.repeat(position.column - 1)}^`);
  }
  if (database.detail) out.line('stderr', `DETAIL: ${database.detail}`);
  if (database.hint) out.line('stderr', `HINT: ${database.hint}`);
}

/** PostgreSQL's position is 1-based, in characters of the query string (here: the whole file). */
function locate(sql: string, position: number): { line: number; column: number; text: string } {
  const before = sql.slice(0, Math.max(0, position - 1));
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = sql.indexOf('\n', lineStart);
  return {
    line: before.split('\n').length,
    column: before.length - lineStart + 1,
    text: sql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, ''),
  };
}

/** The password of a URL or key/value connection string, to redact. */
function passwordsIn(connectionString: string): string[] {
  const found: string[] = [];
  try {
    const url = new URL(connectionString);
    if (url.password) found.push(url.password, decodeURIComponent(url.password));
  } catch {
    const match = /(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/.exec(connectionString);
    if (match?.[1]) found.push(match[1].replace(/^'|'$/g, ''));
  }
  return found;
}
