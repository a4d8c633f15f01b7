import type { AttemptResult, AttemptSpec, HttpRequestSpec, RunningAttempt } from './executor.js';
import { attemptSignal, makeInProcessAttempt, runInProcess, type InProcessAttempt } from './in-process.js';
import { makeLineSplitter } from './line-splitter.js';
import type { AttemptIo } from './local-process.js';
import { longestSecretBytes, makeRedactor } from './redact.js';

export interface HttpAttemptOptions {
  maxLineBytes: number;
  /** Response bytes shown; the rest is not read. */
  maxBodyBytes: number;
}

/**
 * An `http` task: one request with node's fetch, no process. The request line, the status line
 * and the start of the body go to stdout; the attempt succeeds (exit code 0) when the status is
 * expected, and fails with exit code 1 otherwise, or when the request fails (retryable).
 */
export function runHttpAttempt(attempt: AttemptSpec, io: AttemptIo, options: HttpAttemptOptions): RunningAttempt {
  return runInProcess(async () => {
    const redact = makeRedactor(attempt.secrets);
    const out = makeInProcessAttempt(io, redact, options.maxLineBytes);
    if (io.signal.aborted) return out.result({ cancelled: true });
    const request = attempt.http;
    if (!request) return out.result({ startError: `The \`http\` task \`${attempt.taskId}\` has no request: the engine must set \`http\` on its attempt` });
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return out.result({ startError: `\`${redact(request.url)}\` is not a valid URL; give an absolute http:// or https:// URL` });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return out.result({ startError: `\`${redact(request.url)}\` is not an http:// or https:// URL` });

    const method = (request.method ?? 'GET').toUpperCase();
    const { signal, cause } = attemptSignal(io.signal, attempt.timeoutSeconds);
    out.line('stdout', `${method} ${url.href}`);
    try {
      const response = await fetch(url, { method, signal, ...(request.headers ? { headers: { ...request.headers } } : {}), ...(request.body !== undefined ? { body: request.body } : {}) });
      out.line('stdout', `HTTP ${response.status} ${response.statusText}`.trimEnd());
      await showBody(response, { attempt, io, out, redact, options });
      if (!statusExpected(response.status, request.expectedStatus)) {
        out.line('stderr', `Expected status ${describeExpected(request.expectedStatus)}, got ${response.status}`);
        return out.result({ exitCode: 1 });
      }
      return out.result({ exitCode: 0 });
    } catch (error) {
      return failed(out, cause(), error);
    }
  });
}

function failed(out: InProcessAttempt, cause: 'timeout' | 'cancel' | undefined, error: unknown): AttemptResult {
  if (cause === 'cancel') return out.result({ cancelled: true });
  if (cause === 'timeout') {
    out.line('stderr', 'The request timed out');
    return out.result({ timedOut: true });
  }
  const reason = error instanceof Error ? error.message : String(error);
  const detail = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  out.line('stderr', `The request failed: ${reason}${detail}`);
  return out.result({ exitCode: 1 });
}

/** Reads at most `maxBodyBytes` and cancels the rest, so a huge download never fills memory. */
async function showBody(
  response: Response,
  { attempt, io, out, redact, options }: { attempt: AttemptSpec; io: AttemptIo; out: InProcessAttempt; redact: (text: string) => string; options: HttpAttemptOptions },
): Promise<void> {
  if (!response.body) return;
  const splitter = makeLineSplitter({ stream: 'stdout', maxLineBytes: options.maxLineBytes, slackBytes: longestSecretBytes(attempt.secrets), redact, onLine: io.onLine });
  const reader = response.body.getReader();
  let shown = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = options.maxBodyBytes - shown;
    splitter.push(Buffer.from(value.buffer, value.byteOffset, Math.min(value.byteLength, room)));
    shown += Math.min(value.byteLength, room);
    if (value.byteLength > room) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  splitter.end();
  if (truncated) out.line('stdout', `[body truncated after ${options.maxBodyBytes} bytes]`);
}

function statusExpected(status: number, expected: HttpRequestSpec['expectedStatus']): boolean {
  if (expected === undefined) return status >= 200 && status < 300;
  return typeof expected === 'number' ? status === expected : expected.includes(status);
}

function describeExpected(expected: HttpRequestSpec['expectedStatus']): string {
  if (expected === undefined) return '2xx';
  return typeof expected === 'number' ? String(expected) : expected.join(' or ');
}
