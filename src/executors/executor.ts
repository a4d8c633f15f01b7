import type { ResourceUsage } from '../state/events.js';

/** One try of one task, fully resolved: no templates left, paths absolute. */
export interface AttemptSpec {
  executionId: string;
  /** `stage.task` */
  taskId: string;
  attempt: number;
  type: string;
  /** argv to run, when the type runs a process; `sh -c` is spelled out by the caller. */
  command?: readonly string[];
  env: Readonly<Record<string, string>>;
  /** Working directory: the execution's read-only checkout. */
  cwd: string;
  /** Seconds; the whole process tree is killed when it runs out. */
  timeoutSeconds?: number;
  /** Bytes; enforced where the machine allows (see docs). */
  memoryLimitBytes?: number;
  /** Values to mask in every captured line. */
  secrets: readonly string[];
  /** `http` tasks only: the request to send (no process runs). */
  http?: HttpRequestSpec;
  /** `sql_script` tasks only: absolute path of the SQL file, run in one transaction (no process runs). */
  sqlFile?: string;
}

/** What an `http` attempt sends, fully rendered. */
export interface HttpRequestSpec {
  /** @defaultValue `'GET'` */
  method?: string;
  url: string;
  headers?: Readonly<Record<string, string>>;
  /** Sent as is: the caller serializes a mapping or list to JSON and sets `content-type`. */
  body?: string;
  /** Statuses that count as success. @defaultValue any 2xx */
  expectedStatus?: number | readonly number[];
}

export interface OutputLine {
  stream: 'stdout' | 'stderr';
  /** Wall clock, ISO 8601. */
  at: string;
  text: string;
}

/** What happened to one attempt, as one object (like execa's result). */
export interface AttemptResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  resourceUsage?: ResourceUsage;
  /** Set when the attempt never started (missing binary, bad spec): the reason in words. */
  startError?: string;
}

export interface RunningAttempt {
  /** The process id, for the ledger; undefined for in-process work. */
  pid?: number;
  /** Resolves once the attempt is over, never rejects. */
  result: Promise<AttemptResult>;
}

/**
 * Turns an attempt into running work. Executors know nothing of DAGs or state: they report
 * to the engine, which appends events. Cancelled through the signal.
 */
export interface Executor {
  readonly name: string;
  start(attempt: AttemptSpec, io: { signal: AbortSignal; onLine: (line: OutputLine) => void }): RunningAttempt;
}
