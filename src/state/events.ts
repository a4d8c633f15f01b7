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
      /** Set on a rollback: the execution it rolls back (which itself is left as it was). */
      rollback_of?: string;
    }
  | { type: 'task.ready'; task: string }
  | { type: 'task.started'; task: string; attempt: number; pid?: number; idempotency_key: string }
  | { type: 'task.exited'; task: string; attempt: number; exit_code: number | null; signal: string | null; timed_out: boolean; duration_ms: number; resource_usage?: ResourceUsage }
  | { type: 'task.retrying'; task: string; attempt: number; delay_ms: number; reason: string }
  | {
      type: 'task.succeeded';
      task: string;
      attempt: number;
      /** Set when a rollback restored the task's artifacts from this execution instead of running it (attempt 0). */
      restored_from?: string;
    }
  | { type: 'task.failed'; task: string; attempt: number; reason: string; validation?: ValidationOutcome[] }
  | { type: 'task.skipped'; task: string; reason: string }
  | { type: 'task.cancelled'; task: string; reason: string }
  | { type: 'artifact.stored'; task: string; path: string; artifact_type: string; sha256: string; size_bytes: number; uri: string; uploaded_to?: string; /** Why `upload_to` was not honoured (a remote store this version cannot reach). */ upload_skipped?: string }
  | { type: 'hook.ran'; task?: string; when: string; hook_type: string; status: 'sent' | 'failed' | 'unsupported'; message?: string }
  | { type: 'execution.finished'; status: Exclude<ExecutionStatus, 'pending' | 'running'>; reason?: string }
  | { type: 'state.overridden'; task?: string; status: string; message: string; by: string }
  | DeploymentEventBody;

/** One pipeline as a deployment activates it: the file's version at the deployed commit. */
export interface DeployedVersion {
  pipeline: string;
  /** Relative to the repository root. */
  file: string;
  /** sha256 over the pipeline file and every file it references at the commit. */
  version_hash: string;
}

/** A validation finding kept with a failed deployment (no secrets: findings never hold values). */
export interface DeploymentFinding {
  rule: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
}

/**
 * Deployments live in a ledger of their own per repository and branch (see
 * src/gitops/deployments): never edited, only superseded. `deployment.pinned` holds the
 * active deployment against later commits until the branch moves past `branch_head_sha`.
 */
export type DeploymentEventBody =
  | {
      type: 'deployment.recorded';
      deployment_id: string;
      sha: string;
      previous_sha?: string;
      branch: string;
      status: 'active' | 'failed';
      trigger: 'reconcile' | 'sync' | 'webhook' | 'rollback';
      versions: DeployedVersion[];
      added: string[];
      changed: string[];
      removed: string[];
      findings?: DeploymentFinding[];
      /** Executions started because a pipeline asked to run on deploy. */
      executions?: string[];
    }
  | { type: 'deployment.pinned'; deployment_id: string; sha: string; branch_head_sha: string; by: string; reason: string }
  | { type: 'deployment.unpinned'; by: string; reason: string }
  | { type: 'deployment.observed'; branch_head_sha: string; reason?: string };

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
