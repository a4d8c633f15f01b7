import type { StateStore } from '../../state/state-store.js';

/** A lease kept alive in the background until released. */
export interface HeldLease {
  readonly name: string;
  /** Stops renewing and gives the lease up, so another owner may take it at once. */
  release(): Promise<void>;
}

export interface HoldLeaseRequest {
  name: string;
  owner: string;
  ttlMs: number;
  /** Called when a renewal finds the lease taken by someone else or cannot reach the store. */
  onLost(error?: unknown): void;
}

/**
 * Takes a lease and renews it every third of its time to live, so it expires only when its owner
 * stops: a killed controller's executions become free to resume one TTL after it died.
 * Undefined when another owner holds the lease.
 */
export async function holdLease(store: StateStore, request: HoldLeaseRequest): Promise<HeldLease | undefined> {
  const { name, owner, ttlMs } = request;
  if (!(await store.acquireLease({ name, owner, ttlMs }))) return undefined;
  let released = false;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = store.acquireLease({ name, owner, ttlMs }).then(
      (lease) => {
        if (!lease && !released) request.onLost();
      },
      (error: unknown) => {
        if (!released) request.onLost(error);
      },
    );
  }, Math.max(50, Math.floor(ttlMs / 3)));
  return {
    name,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      // A renewal in flight would otherwise re-take the lease right after the release.
      await renewing;
      await store.releaseLease({ name, owner });
    },
  };
}
