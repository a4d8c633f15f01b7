import type { AttemptResult } from '../../executors/executor.js';
import { LocalProcessRunner } from '../../executors/local-process.js';
import { configString, HOOK_TIMEOUT_DEFAULTS, makeOutputTail, timeoutSeconds, type HookCall, type HookOutcome } from './hook-call.js';

/** Output lines kept for the event. */
const TAIL_LINES = 10;

/**
 * `shell`: `sh -c command` (rendered) through the same runner as task attempts: its own process
 * group, killed on timeout, output captured line by line and redacted. It gets the attempt's env
 * (or, for pipeline notifications, just `EXECUTION_ID`) plus `HOOK_WHEN` and `HOOK_STATUS`.
 * The exit code and the last lines of output go into the event.
 */
export function makeShellHook(killGraceMs: number | undefined): (call: HookCall) => Promise<HookOutcome> {
  let runner: LocalProcessRunner | undefined;
  return async (call) => {
    const command = call.hook.command ?? configString(call, 'command');
    if (!command) return { status: 'failed', message: 'A `shell` hook needs `command:`; nothing was run' };
    const rendered = call.render(command);
    const seconds = timeoutSeconds(call.hook, HOOK_TIMEOUT_DEFAULTS.processSeconds);
    runner ??= new LocalProcessRunner(killGraceMs === undefined ? {} : { killGraceMs });
    const tail = makeOutputTail(TAIL_LINES);
    const { spec, summary } = call.input;
    const env: Record<string, string> = {
      ...(spec?.env ?? { EXECUTION_ID: call.input.executionId }),
      HOOK_WHEN: call.input.when,
      ...(typeof summary.status === 'string' ? { HOOK_STATUS: summary.status } : {}),
    };
    const running = runner.run(
      { argv: ['sh', '-c', rendered], env, cwd: spec?.cwd ?? call.options.workspace, timeoutSeconds: seconds, secrets: call.secrets() },
      { signal: call.signal, onLine: tail.onLine },
    );
    const result = await running.result;
    return { status: result.exitCode === 0 ? 'sent' : 'failed', message: tail.format(describeExit(result, seconds)) };
  };
}

function describeExit(result: AttemptResult, seconds: number): string {
  if (result.startError) return result.startError;
  if (result.timedOut) return `timed out after ${seconds} s; its process group was killed`;
  if (result.cancelled) return 'stopped; its process group was killed';
  if (result.signal) return `killed by ${result.signal}`;
  return `exit code ${result.exitCode}`;
}
