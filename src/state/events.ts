/**
 * The ledger's vocabulary. Every transition of an execution is one appended event; the state
 * of an execution is a pure fold over its events (fold.ts). Events never hold secrets or task
 * output: variables are stored with secrets removed, output goes to the log store.
 */

export type ExecutionStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type TaskStatus = 'pending' | 'ready' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type Trigger = 'cli' | 'schedule' | 'api' | 'webhook' | 'deploy' | 'rollback' | 'resume';

export interface ResourceUsage {
  cpu_seconds: number;
  memory_mb_peak: number;
  disk_io_mb?: number;
}

/** Fields every stored event has; the store assigns `seq`, the engine the clocks. */
export interface EventEnvelope {
  /** 1-based position in the execution's ledger, assigned by the store. */
  seq: number;
  execution_id: string;
  /** Monotonic clock in nanoseconds (process.hrtime.bigint as a decimal string): orders and times transitions. */
  mono_ns: string;
  /** Wall clock, ISO 8601 UTC: what people read. */
  at: string;
}

export type EventBody =
  | {
      type: 'execution.created';
      pipeline: string;
      /** sha256 of the pipeline file and every file it references. */
      pipeline_hash: string;
      commit_sha?: string;
      dirty?: boolean;
      trigger: Trigger;
      triggered_by: string;
      trace_id: string;
      ds: string;
      priority: 'low' | 'normal' | 'high' | 'critical';
      /** Resolved variables with secret values replaced by `[redacted]`. */
      variables: Record<string, string>;
      /** The task layout, so the fold can show pending tasks before they start. */
      stages: { name: string; tasks: string[] }[];
      pipeline_file: string;
    }
  | { type: 'task.ready'; task: string }
  | { type: 'task.started'; task: string; attempt: number; pid?: number; idempotency_key: string }
  | { type: 'task.exited'; task: string; attempt: number; exit_code: number | null; signal: string | null; timed_out: boolean; duration_ms: number; resource_usage?: ResourceUsage }
  | { type: 'task.retrying'; task: string; attempt: number; delay_ms: number; reason: string }
  | { type: 'task.succeeded'; task: string; attempt: number }
  | { type: 'task.failed'; task: string; attempt: number; reason: string; validation?: ValidationOutcome[] }
  | { type: 'task.skipped'; task: string; reason: string }
  | { type: 'task.cancelled'; task: string; reason: string }
  | { type: 'artifact.stored'; task: string; path: string; artifact_type: string; sha256: string; size_bytes: number; uri: string; uploaded_to?: string }
  | { type: 'hook.ran'; task?: string; when: string; hook_type: string; status: 'sent' | 'failed' | 'unsupported'; message?: string }
  | { type: 'execution.finished'; status: Exclude<ExecutionStatus, 'pending' | 'running'>; reason?: string }
  | { type: 'state.overridden'; task?: string; status: string; message: string; by: string };

export interface ValidationOutcome {
  rule: string;
  passed: boolean;
  measured: Record<string, number>;
  message: string;
}

export type LedgerEvent = EventEnvelope & EventBody;

/** What the engine hands the store: everything but the sequence number. */
export type NewEvent = Omit<EventEnvelope, 'seq' | 'execution_id'> & EventBody;

export type EventType = EventBody['type'];
