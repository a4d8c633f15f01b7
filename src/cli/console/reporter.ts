import type { OutputLine } from '../../executors/executor.js';
import type { NewEvent } from '../../state/events.js';
import type { ExecutionState } from '../../state/fold.js';
import type { StoredArtifact } from '../../artifacts/artifact-store.js';

/** What the console knows once an execution has an id, before its first event. */
export interface ExecutionHeader {
  executionId: string;
  pipeline: string;
  tasks: number;
  ds: string;
  resumed: boolean;
  /** Tasks that had succeeded before a resume: they count as done and do not run again. */
  succeededBefore: number;
}

/** What the console prints once the execution is over. */
export interface ExecutionReport {
  state: ExecutionState;
  /** Where the tasks wrote (`OUTPUT_DIR`). */
  outputDir: string;
  artifacts: readonly StoredArtifact[];
  /** Where the ledger lives, in words (`file …/x.ndjson`, `redis …`). */
  ledger: string;
  /** The command that resumes this execution, shown when it did not succeed. */
  resumeCommand?: string;
}

/**
 * The console side of one execution. Text and JSON reporters implement it; the command feeds it
 * the engine's durable events and the tasks' (already redacted) output lines.
 */
export interface ExecutionReporter {
  /** Prints the first line, `Starting execution <id>`, and the header. */
  start(header: ExecutionHeader): void;
  events(events: readonly NewEvent[]): void;
  output(taskId: string, attempt: number, line: OutputLine): void;
  /** A note from the orchestrator itself (cancelling, forcing). */
  notice(message: string): void;
  finish(report: ExecutionReport): void;
  /** Stops timers and redraws; safe to call twice. */
  close(): void;
}

/** Running, done and failed counts and per-task durations, kept from the events as they arrive. */
export class RunTally {
  readonly durations = new Map<string, number>();
  running = 0;
  done = 0;
  failed = 0;
  readonly startedAt = Date.now();

  constructor(readonly total: number, succeededBefore = 0) {
    this.done = succeededBefore;
  }

  apply(event: NewEvent): void {
    switch (event.type) {
      case 'task.started':
        this.running++;
        return;
      case 'task.exited':
        this.running = Math.max(0, this.running - 1);
        this.durations.set(event.task, event.duration_ms);
        return;
      case 'task.succeeded':
      case 'task.skipped':
      case 'task.cancelled':
        this.done++;
        return;
      case 'task.failed':
        this.failed++;
        this.done++;
        return;
      default:
        return;
    }
  }
}
