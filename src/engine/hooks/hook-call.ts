import { join } from 'node:path';
import type { PlannedTask } from '../../dag/pipeline-graph.js';
import type { OutputLine } from '../../executors/executor.js';
import { parseDuration } from '../../spec/quantities.js';
import type { Hook } from '../../spec/schema/hooks.js';
import type { EventBody } from '../../state/events.js';
import type { HookRunInput } from '../task-lifecycle.js';

export type HookLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface HookRunnerOptions {
  /**
   * Renders a template such as `"{{ pipeline.name }} failed for {{ ds }}"` with the execution's
   * scope, plus the task's names when one is given. Throws on a name it cannot resolve; the
   * hook then fails with that message. Secrets it substitutes must be added to `secrets`.
   */
  render: (text: string, task?: PlannedTask) => string;
  /** The console logger; `log` hooks write here. */
  log: (level: HookLogLevel, message: string, fields: Record<string, unknown>) => void;
  /** The work directory: quarantined files go under `<workdir>/executions/<id>/quarantine/`. */
  workdir: string;
  /** The execution's read-only checkout: scripts and templates resolve against it, pipeline-level `shell` hooks run in it. */
  workspace: string;
  /** Values to redact in every message, read when each hook ends (a live set may keep growing). @defaultValue none */
  secrets?: Iterable<string>;
  /** Used by `notify`, `webhook` and `slack` hooks. @defaultValue the global `fetch` */
  fetch?: typeof fetch;
  /** Wait before a webhook's second try, doubled before the third. @defaultValue 500 */
  retryDelayMs?: number;
  /** Between SIGTERM and SIGKILL when a `shell` hook times out. @defaultValue 5000 */
  killGraceMs?: number;
  /**
   * Stops hooks at once: a running `shell` hook's process group is signalled, a `sql` hook is
   * cancelled and rolled back, a webhook request is dropped, and later hooks are reported failed
   * without running. For a forced stop (a second SIGINT), not for cancelling the execution: the
   * notifications of a cancelled execution should still go out. @defaultValue never
   */
  signal?: AbortSignal;
}

/** How long a hook may take when it sets no `timeout`. */
export const HOOK_TIMEOUT_DEFAULTS = {
  /** Per request of `notify`, `webhook` and `slack` hooks. */
  requestSeconds: 10,
  /** `shell` and `sql` hooks: long enough to refresh a view, short enough that a hung hook ends. */
  processSeconds: 600,
} as const;

export type HookStatus = Extract<EventBody, { type: 'hook.ran' }>['status'];

/** What one hook did, before redaction; the runner turns it into a `hook.ran` event. */
export interface HookOutcome {
  status: HookStatus;
  message: string;
}

/** One hook about to run, with what every type needs resolved. */
export interface HookCall {
  hook: Hook;
  /** Position in its list, from 0: names files a hook writes. */
  index: number;
  input: HookRunInput;
  /** `hook.config`, or an empty mapping. */
  config: Readonly<Record<string, unknown>>;
  /** `options.render` for the hook's task. */
  render: (text: string) => string;
  /** Every secret known so far: the attempt's and the execution's. */
  secrets: () => string[];
  /** `options.signal`, or one that never aborts. */
  signal: AbortSignal;
  options: HookRunnerOptions;
}

/**
 * Keeps the last lines of a hook's output for its event: enough to see why it failed, never a
 * whole log. `format` appends them to the event's first words.
 */
export function makeOutputTail(maxLines: number, maxChars = 2000): { onLine: (line: OutputLine) => void; format: (head: string) => string } {
  const lines: string[] = [];
  return {
    onLine: (line) => {
      lines.push(line.text);
      if (lines.length > maxLines) lines.shift();
    },
    format: (head) => {
      if (lines.length === 0) return head;
      const text = lines.join('\n');
      return `${head}; output:\n${text.length > maxChars ? `…${text.slice(-maxChars)}` : text}`;
    },
  };
}

/** A string field of `config`, or undefined (so a mistyped value reads as absent, and validation names it). */
export function configString(call: HookCall, key: string): string | undefined {
  const value = call.config[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The hook's `timeout` in seconds, or the default; an unreadable timeout throws (and fails the hook) rather than run unbounded. */
export function timeoutSeconds(hook: Hook, fallbackSeconds: number): number {
  if (hook.timeout === undefined) return fallbackSeconds;
  const parsed = parseDuration(hook.timeout);
  if (!parsed.ok) throw new Error(`the hook's timeout is invalid: ${parsed.message}`);
  return parsed.value;
}

/** The directory of the execution under the work directory. */
export function executionDirectory(call: HookCall): string {
  return join(call.options.workdir, 'executions', call.input.executionId);
}

/**
 * One line saying what happened, for log hooks and chat messages that set no text of their own:
 * "Pipeline sales: task extract.orders failed (exit code 1) [on_failure, execution 4f…]".
 */
export function describeSummary(call: HookCall): string {
  const summary = call.input.summary;
  const text = (key: string) => (typeof summary[key] === 'string' || typeof summary[key] === 'number' ? String(summary[key]) : undefined);
  const pipeline = text('pipeline');
  const task = call.input.task?.id ?? text('task');
  const status = text('status');
  const reason = text('reason');
  const subject = [pipeline ? `Pipeline ${pipeline}:` : undefined, task ? `task ${task}` : 'execution', status ?? call.input.when].filter(Boolean).join(' ');
  return `${subject}${reason ? ` (${reason})` : ''} [${call.input.when}, execution ${call.input.executionId}]`;
}
