/**
 * The delivery ids seen most recently, oldest forgotten first, so a replayed or redelivered
 * webhook is recognised without memory growing with the number of deliveries.
 */
export class DeliveryCache {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Records the id; false when it was already there. */
  remember(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.capacity) {
      // A Set iterates in insertion order: the first value is the oldest.
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
