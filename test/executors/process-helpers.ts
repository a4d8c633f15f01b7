import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { AttemptSpec, OutputLine } from '../../src/executors/executor.js';

/**
 * A leak guard: every attempt a test file starts carries `AO_TEST_MARK=<uuid>` in its env, which
 * every descendant inherits, so a live process holding the mark after a test is a leak.
 */
export function makeLeakGuard(): { env: Record<string, string>; leaked(): number[]; killLeaked(): void } {
  const mark = `AO_TEST_MARK=${randomUUID()}`;
  const leaked = () => {
    const found: number[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      try {
        if (isAlive(pid) && readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(mark)) found.push(pid);
      } catch {
        // Gone meanwhile.
      }
    }
    return found;
  };
  return {
    env: { AO_TEST_MARK: mark.slice('AO_TEST_MARK='.length) },
    leaked,
    killLeaked() {
      for (const pid of leaked()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    },
  };
}

/** Running or sleeping; a zombie counts as dead (init on some machines never reaps orphans). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** A fully resolved attempt with harmless defaults. */
export function makeAttempt(overrides: Partial<AttemptSpec> & Pick<AttemptSpec, 'type'>): AttemptSpec {
  return { executionId: randomUUID(), taskId: 'stage.task', attempt: 1, env: {}, cwd: '/tmp', secrets: [], ...overrides };
}

/** Collects output lines and says when one matches, so a test can act on the task's progress. */
export function collectLines(): { lines: OutputLine[]; onLine: (line: OutputLine) => void; text(stream?: OutputLine['stream']): string[]; waitFor(pattern: RegExp): Promise<void> } {
  const lines: OutputLine[] = [];
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  return {
    lines,
    onLine(line) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line.text))) waiter.resolve();
    },
    text: (stream) => lines.filter((line) => stream === undefined || line.stream === stream).map((line) => line.text),
    waitFor: (pattern) =>
      lines.some((line) => pattern.test(line.text)) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pattern, resolve })),
  };
}

/** Python that burns CPU for `seconds` of process time. */
export const BURN_CPU = (seconds: number) => `import time\nt = time.process_time()\nwhile time.process_time() - t < ${seconds}: pass\n`;
