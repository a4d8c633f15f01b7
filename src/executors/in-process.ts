import type { AttemptResult, OutputLine, RunningAttempt } from './executor.js';
import { emitText } from './line-splitter.js';
import type { AttemptIo } from './local-process.js';

/** Helpers shared by the types that run inside the orchestrator (`http`, `sql_script`, `noop`). */
export interface InProcessAttempt {
  /** Emits text (several lines allowed) through the same cap and redaction as process output. */
  line(stream: OutputLine['stream'], text: string): void;
  result(fields: Partial<AttemptResult>): AttemptResult;
}

export function makeInProcessAttempt(io: AttemptIo, redact: (text: string) => string, maxLineBytes: number): InProcessAttempt {
  const started = performance.now();
  return {
    line: (stream, text) => emitText({ stream, maxLineBytes, redact, onLine: io.onLine }, text),
    result: (fields) => ({ exitCode: null, signal: null, timedOut: false, cancelled: false, ...fields, durationMs: performance.now() - started }),
  };
}

/** Runs in-process work as an attempt whose promise never rejects: a thrown error is a bug, reported as a start error. */
export function runInProcess(work: () => Promise<AttemptResult>): RunningAttempt {
  return {
    result: work().catch((error: unknown) => ({
      exitCode: null,
      signal: null,
      timedOut: false,
      cancelled: false,
      durationMs: 0,
      startError: `Internal error in the local executor: ${error instanceof Error ? error.message : String(error)}`,
    })),
  };
}

/** The signal that fires on cancellation or after the attempt's timeout, and which of the two it was. */
export function attemptSignal(signal: AbortSignal, timeoutSeconds: number | undefined): { signal: AbortSignal; cause: () => 'timeout' | 'cancel' | undefined } {
  const timeout = timeoutSeconds === undefined ? undefined : AbortSignal.timeout(Math.min(timeoutSeconds * 1000, 2 ** 31 - 1));
  return {
    signal: timeout ? AbortSignal.any([signal, timeout]) : signal,
    cause: () => (signal.aborted ? 'cancel' : timeout?.aborted ? 'timeout' : undefined),
  };
}
