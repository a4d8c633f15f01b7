import type { OutputLine } from '../executors/executor.js';

/** One captured line of task output, as the log store keeps it (already redacted). */
export interface LogRecord extends OutputLine {
  /** `stage.task` */
  task: string;
  attempt: number;
}

/**
 * Task output, kept apart from the ledger: the ledger holds facts, this holds lines. Lines
 * arrive already redacted by the executor; the store never sees a secret.
 */
export interface LogStore extends AsyncDisposable {
  /** Buffers a line; lines reach storage in order, `flush` waits for them. */
  append(executionId: string, record: LogRecord): void;
  flush(): Promise<void>;
  /** Lines in the order written; `task` matches `stage.task` or the bare task name; `lines` keeps the last N. */
  read(executionId: string, options?: { task?: string; lines?: number }): Promise<LogRecord[]>;
  /** Lines from now on (after the ones already stored when `fromStart`), until the signal aborts. */
  follow(executionId: string, options: { task?: string; fromStart?: boolean; signal: AbortSignal }): AsyncIterable<LogRecord>;
  /** Deletes an execution's lines (state cleanup); lines still buffered for it are dropped. */
  remove(executionId: string): Promise<void>;
}
