import { InternalError } from '../errors.js';
import { assertExecutionId } from './ledger-lines.js';
import { LogBuffer, type LogBatch, type LogBufferOptions } from './log-buffer.js';
import { encodeRecord, matchesTask, selectRecords } from './log-records.js';
import type { LogRecord, LogStore } from './log-store.js';

/**
 * What every log store does the same way, wherever it keeps the lines: appends wait in a
 * `LogBuffer`, every call checks the store is open and the execution id valid, `read` and
 * `follow` apply the task and line filters, and disposing ends every follow before the last
 * flush. A backend supplies only the storage.
 */
export abstract class BufferedLogStore implements LogStore {
  private readonly buffer: LogBuffer;
  private readonly follows = new Set<AbortController>();
  private closed = false;

  /** `backend` names the store in the error for a use after dispose (`file`, `Redis`). */
  protected constructor(
    private readonly backend: string,
    options: LogBufferOptions,
  ) {
    this.buffer = new LogBuffer((batch) => this.write(batch), options);
  }

  append(executionId: string, record: LogRecord): void {
    this.assertUsable(executionId);
    this.buffer.add(executionId, encodeRecord(record));
  }

  /** Writes everything buffered so far; rejects with the first write failure since the last flush. */
  flush(): Promise<void> {
    return this.buffer.flush();
  }

  async read(executionId: string, options: { task?: string; lines?: number } = {}): Promise<LogRecord[]> {
    this.assertUsable(executionId);
    // Without a task filter the last N lines are the last N stored: the backend may read only those.
    const last = options.task === undefined ? options.lines : undefined;
    return selectRecords(await this.readStored(executionId, last), options);
  }

  async *follow(executionId: string, options: { task?: string; fromStart?: boolean; signal: AbortSignal }): AsyncIterable<LogRecord> {
    this.assertUsable(executionId);
    const stop = new AbortController();
    this.follows.add(stop);
    const signal = AbortSignal.any([options.signal, stop.signal]);
    try {
      for await (const record of this.followStored(executionId, { fromStart: options.fromStart === true, signal })) {
        if (signal.aborted) return;
        if (matchesTask(record, options.task)) yield record;
      }
    } finally {
      this.follows.delete(stop);
    }
  }

  async remove(executionId: string): Promise<void> {
    this.assertUsable(executionId);
    await this.buffer.drop(executionId);
    await this.removeStored(executionId);
  }

  /** Ends every follow, writes what is still buffered, then lets the backend release what it holds. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.closed) return;
    for (const stop of this.follows) stop.abort();
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.release();
    }
  }

  /** Stores one batch from the buffer; batches arrive one at a time, in the order appended. */
  protected abstract write(batch: LogBatch): Promise<void>;

  /** The execution's records in the order written; with `last`, only the last `last` of them are needed. */
  protected abstract readStored(executionId: string, last: number | undefined): Promise<LogRecord[]>;

  /** Records stored after this call (every one when `fromStart`), until the signal aborts. */
  protected abstract followStored(executionId: string, options: { fromStart: boolean; signal: AbortSignal }): AsyncIterable<LogRecord>;

  protected abstract removeStored(executionId: string): Promise<void>;

  /** Runs once, after the last flush: a backend that holds a connection closes it here. */
  protected async release(): Promise<void> {}

  private assertUsable(executionId: string): void {
    if (this.closed) throw new InternalError(`The ${this.backend} log store was used after it was disposed; open a new one with openLogStore().`);
    assertExecutionId(executionId);
  }
}
