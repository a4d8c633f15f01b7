import type { EventBody, NewEvent } from '../state/events.js';
import type { StateStore } from '../state/state-store.js';

/**
 * Most events in one append. A burst of 100,000 `noop` tasks queues 400,000 events in one turn;
 * as one append that kept Redis busy for seconds (every other client waited) and built one
 * ~100 MB string. Capped, each append stays all-or-none and the order stays the same.
 */
export const MAX_EVENTS_PER_APPEND = 5_000;

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
  // Many events share a millisecond; formatting the ISO string once per millisecond saves
  // most of a Date and a toISOString per event.
  private lastMs = Number.NaN;
  private lastAt = '';

  constructor(
    private readonly store: StateStore,
    private readonly executionId: string,
    private readonly onAppended?: (events: readonly NewEvent[]) => void,
    /** Called once, at the first failed append: the engine stops taking work it could not record. */
    private readonly onFailure?: (error: unknown) => void,
  ) {}

  /**
   * Stamps the event with both clocks and queues it. A fresh body is stamped in place rather
   * than copied (a copy per event was a large share of a `noop` task's CPU); one that was
   * emitted before, or cannot be extended, is copied so the earlier event keeps its stamps.
   */
  emit(body: EventBody): NewEvent {
    const mono = process.hrtime.bigint();
    const ms = this.originWall + Math.floor(Number(mono - this.origin) / 1e6);
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastAt = new Date(ms).toISOString();
    }
    const event = ('mono_ns' in body || !Object.isExtensible(body) ? { ...body } : body) as NewEvent;
    event.mono_ns = mono.toString();
    event.at = this.lastAt;
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
      const queued = this.pending;
      this.pending = [];
      for (let start = 0; start < queued.length && !this.failure; start += MAX_EVENTS_PER_APPEND) {
        const batch = queued.length <= MAX_EVENTS_PER_APPEND ? queued : queued.slice(start, start + MAX_EVENTS_PER_APPEND);
        try {
          await this.store.append({ executionId: this.executionId, events: batch });
          this.onAppended?.(batch);
        } catch (error) {
          this.failure = error;
          this.onFailure?.(error);
        }
      }
    }
    this.inFlight = undefined;
  }
}
