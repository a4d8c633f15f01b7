import type { EventBody, NewEvent } from '../state/events.js';
import type { StateStore } from '../state/state-store.js';

/**
 * Appends an execution's events in order with group commit: events raised while a write is
 * in flight go out together in the next one, so a burst of transitions costs one durable
 * append (one fsync, one Redis round trip) instead of one each. The engine never waits for a
 * write before dispatching the next task; `flush()` waits for everything raised so far.
 */
export class EventWriter {
  private pending: NewEvent[] = [];
  private inFlight: Promise<void> | undefined;
  private failure: unknown;
  private readonly origin = process.hrtime.bigint();
  private readonly originWall = Date.now();

  constructor(
    private readonly store: StateStore,
    private readonly executionId: string,
    private readonly onAppended?: (events: readonly NewEvent[]) => void,
    /** Called once, at the first failed append: the engine stops taking work it could not record. */
    private readonly onFailure?: (error: unknown) => void,
  ) {}

  /** Stamps the event with both clocks and queues it. */
  emit(body: EventBody): NewEvent {
    const mono = process.hrtime.bigint();
    const event = { ...body, mono_ns: mono.toString(), at: new Date(this.originWall + Number((mono - this.origin) / 1_000_000n)).toISOString() } as NewEvent;
    this.pending.push(event);
    if (!this.inFlight) this.inFlight = this.drain();
    return event;
  }

  /** Resolves when every event emitted so far is durable; rethrows a write failure. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.failure) throw this.failure;
  }

  private async drain(): Promise<void> {
    // Let the current turn finish raising events so they share one write.
    await Promise.resolve();
    while (this.pending.length > 0 && !this.failure) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.store.append({ executionId: this.executionId, events: batch });
        this.onAppended?.(batch);
      } catch (error) {
        this.failure = error;
        this.onFailure?.(error);
      }
    }
    this.inFlight = undefined;
  }
}
