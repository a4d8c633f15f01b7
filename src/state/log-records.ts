import { InternalError } from '../errors.js';
import type { LogRecord } from './log-store.js';

/** `task` names either `stage.task` or the bare task, as `orchestrate logs --task` accepts both. */
export function matchesTask(record: LogRecord, task: string | undefined): boolean {
  if (task === undefined) return true;
  return record.task === task || record.task.slice(record.task.indexOf('.') + 1) === task;
}

/** The records a `read` returns: filtered by task, then the last `lines` of them. */
export function selectRecords(records: readonly LogRecord[], options: { task?: string; lines?: number }): LogRecord[] {
  const matching = options.task === undefined ? [...records] : records.filter((record) => matchesTask(record, options.task));
  if (options.lines === undefined) return matching;
  if (!Number.isInteger(options.lines) || options.lines < 0) throw new InternalError(`Expected \`lines\` to be a non-negative integer, got ${String(options.lines)}`);
  return options.lines === 0 ? [] : matching.slice(-options.lines);
}

/** One record as one JSON line's text; the field order is the order people read in `tail -f`. */
export function encodeRecord(record: LogRecord): string {
  return JSON.stringify({ at: record.at, task: record.task, attempt: record.attempt, stream: record.stream, text: record.text });
}

/** Undefined for a line that is not a record: one cut short by a kill, then continued by a resumed run. */
export function decodeRecord(line: string): LogRecord | undefined {
  try {
    const value = JSON.parse(line) as Partial<LogRecord> | null;
    return value && typeof value.text === 'string' && typeof value.task === 'string' ? (value as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}
