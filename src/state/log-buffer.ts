/** A batch handed to the writer: encoded lines per execution, in the order appended. */
export type LogBatch = ReadonlyMap<string, readonly string[]>;

export interface LogBufferOptions {
  /** How long a line may wait in memory before it is written. @defaultValue 100 */
  flushIntervalMs?: number;
  /** Buffered lines that start a write at once, whatever the interval. @defaultValue 1_000 */
  maxBufferedLines?: number;
}

/**
 * The write side both log stores share: lines wait in memory and go out in batches, through one
 * chain of writes, so they reach storage in the order appended and a burst of output costs one
 * write per interval. A background write that fails is reported by the next `flush`.
 */
export class LogBuffer {
  private pending = new Map<string, string[]>();
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly write: (batch: LogBatch) => Promise<void>,
    private readonly options: LogBufferOptions = {},
  ) {}

  add(executionId: string, line: string): void {
    let lines = this.pending.get(executionId);
    if (!lines) this.pending.set(executionId, (lines = []));
    lines.push(line);
    this.pendingCount++;
    if (this.pendingCount >= (this.options.maxBufferedLines ?? 1_000)) this.flushInBackground();
    else this.timer ??= setTimeout(() => this.flushInBackground(), this.options.flushIntervalMs ?? 100);
  }

  /** Writes everything buffered so far; rejects with the first write failure since the last flush. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    this.writing = this.writing.then(() => (batch.size > 0 ? this.write(batch) : undefined)).catch((error: unknown) => void (this.failure ??= error));
    await this.writing;
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }

  /** Forgets an execution's buffered lines and waits for writes in flight (before a remove). */
  async drop(executionId: string): Promise<void> {
    this.pendingCount -= this.pending.get(executionId)?.length ?? 0;
    this.pending.delete(executionId);
    await this.writing;
  }

  private flushInBackground(): void {
    this.flush().catch((error: unknown) => void (this.failure ??= error));
  }
}
