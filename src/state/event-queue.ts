import type { LedgerEvent } from './events.js';

/**
 * The consumer side of a `watch`: producers push events (or a failure), the async iterator
 * hands them out in order and ends when the watch closes. `close` runs the watch's cleanup
 * exactly once, whether the signal aborted, the consumer broke out of its loop, or the store
 * was disposed.
 */
export class EventQueue implements AsyncIterableIterator<LedgerEvent> {
  private readonly buffered: LedgerEvent[] = [];
  private waiting: { resolve: (result: IteratorResult<LedgerEvent>) => void; reject: (error: unknown) => void } | undefined;
  private failure: unknown;
  private closed = false;
  private readonly cleanups: (() => void | Promise<void>)[] = [];
  private closing: Promise<void> | undefined;

  constructor(signal: AbortSignal) {
    if (signal.aborted) {
      this.closed = true;
      return;
    }
    const onAbort = () => void this.close();
    signal.addEventListener('abort', onAbort, { once: true });
    this.cleanups.push(() => signal.removeEventListener('abort', onAbort));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Registers cleanup; runs it at once when already closed. */
  onClose(cleanup: () => void | Promise<void>): void {
    if (this.closed) void cleanup();
    else this.cleanups.push(cleanup);
  }

  push(events: readonly LedgerEvent[]): void {
    if (this.closed || events.length === 0) return;
    if (this.waiting) {
      const [first, ...rest] = events;
      this.buffered.push(...rest);
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve({ value: first as LedgerEvent, done: false });
    } else {
      this.buffered.push(...events);
    }
  }

  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = error;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.reject(error);
    }
    void this.close();
  }

  /** Ends the watch; every caller waits until its cleanup (closing sockets, watchers) is done. */
  close(): Promise<void> {
    this.closing ??= this.runCleanups();
    return this.closing;
  }

  private async runCleanups(): Promise<void> {
    this.closed = true;
    // An abort ends the watch now; a failure first lets the consumer drain what came before it.
    if (this.failure === undefined) this.buffered.length = 0;
    const cleanups = this.cleanups.splice(0).reverse();
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve({ value: undefined, done: true });
    }
    for (const cleanup of cleanups) await cleanup();
  }

  next(): Promise<IteratorResult<LedgerEvent>> {
    const event = this.buffered.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure instanceof Error ? failure : new Error(String(failure)));
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<LedgerEvent>> {
    await this.close();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
