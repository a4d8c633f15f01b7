import type { ExecutionStatus, LedgerEvent, NewEvent } from './events.js';

/** One line of `list`: enough to show history without folding every ledger. */
export interface ExecutionSummary {
  execution_id: string;
  pipeline: string;
  status: ExecutionStatus;
  created_at: string;
  finished_at?: string;
  commit_sha?: string;
  trigger: string;
}

export interface AppendRequest {
  executionId: string;
  /** Written together: all or none, in order, in one durable step (one fsync, one round trip). */
  events: readonly NewEvent[];
  /**
   * Compare-and-set: append only if the ledger's last `seq` is this value, else throw
   * `ConflictError`. Two replicas can then never both finish the same task.
   */
  expectedSeq?: number;
}

export interface ListRequest {
  pipeline?: string;
  status?: readonly ExecutionStatus[];
  /** Only executions created at or after this time. */
  since?: Date;
  /** @defaultValue 50 */
  limit?: number;
  /** From a previous page's `nextCursor`. */
  cursor?: string;
}

export interface ListPage {
  executions: ExecutionSummary[];
  nextCursor?: string;
}

export interface Lease {
  name: string;
  owner: string;
  expiresAt: Date;
}

/**
 * The one consistency boundary of the system. Two implementations (file, redis) pass one
 * conformance suite. A store owns its connection and releases it on dispose.
 */
export interface StateStore extends AsyncDisposable {
  /** Appends events; returns the ledger's new last `seq`. */
  append(request: AppendRequest): Promise<{ lastSeq: number }>;
  /** Events with `seq > afterSeq`, in order; a torn trailing write is never returned. */
  read(executionId: string, options?: { afterSeq?: number }): Promise<LedgerEvent[]>;
  /** Newest first. */
  list(request: ListRequest): Promise<ListPage>;
  /** Events appended from now on (for every execution, or one), until the signal aborts. */
  watch(options: { executionId?: string; signal: AbortSignal }): AsyncIterable<LedgerEvent>;
  /** Deletes an execution's ledger (cleanup); history elsewhere is untouched. */
  remove(executionId: string): Promise<void>;
  /** Takes or renews a named lease for `ttlMs`; undefined when another owner holds it. */
  acquireLease(request: { name: string; owner: string; ttlMs: number }): Promise<Lease | undefined>;
  releaseLease(request: { name: string; owner: string }): Promise<void>;
}
