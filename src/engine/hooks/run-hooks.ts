import type { Hook, HookType } from '../../spec/schema/hooks.js';
import type { EventBody } from '../../state/events.js';
import { makeRedactor } from '../../executors/redact.js';
import { PROCESS_RUNNER_DEFAULTS } from '../../executors/local-process.js';
import type { HookRunInput, RunHooks } from '../task-lifecycle.js';
import type { HookCall, HookOutcome, HookRunnerOptions } from './hook-call.js';
import { runLogHook } from './log-hook.js';
import { runQuarantineHook } from './quarantine-hook.js';
import { makeShellHook } from './shell-hook.js';
import { runSqlHook } from './sql-hook.js';
import { runSlackHook, runWebhookHook } from './webhook-hook.js';

export type { HookLogLevel, HookRunnerOptions } from './hook-call.js';

type BuiltHookType = 'notify' | 'webhook' | 'slack' | 'shell' | 'sql' | 'quarantine' | 'log';

/** Hook types that are accepted in a pipeline but do nothing yet, with what a user should know; a new type must be added here or built. */
const UNSUPPORTED: Record<Exclude<HookType, BuiltHookType>, string> = {
  email: 'sending email is not supported yet; use a `notify` webhook or a `shell` hook; nothing was sent',
  pagerduty: 'PagerDuty is not supported yet; use a `notify` webhook to its Events API; nothing was sent',
  reject: 'rejecting a model is not supported yet; nothing was changed',
  promote: 'promoting a model is not supported yet; nothing was changed',
};

const NEVER_ABORTED = new AbortController().signal;

/**
 * Builds the `RunHooks` seam: runs a list of hooks in order, each to one `hook.ran` event, and
 * never throws (a hook that fails, or fails to render, is an event with its reason). Messages
 * are redacted with the attempt's and the execution's secrets before they leave.
 */
export function createHookRunner(options: HookRunnerOptions): RunHooks {
  const runShell = makeShellHook(options.killGraceMs);
  const killGraceMs = options.killGraceMs ?? PROCESS_RUNNER_DEFAULTS.killGraceMs;
  const dispatch = async (call: HookCall): Promise<HookOutcome> => {
    const type = call.hook.type;
    switch (type) {
      case 'notify':
      case 'webhook':
        return runWebhookHook(call);
      case 'slack':
        return runSlackHook(call);
      case 'shell':
        return runShell(call);
      case 'sql':
        return runSqlHook(call, killGraceMs);
      case 'quarantine':
        return runQuarantineHook(call);
      case 'log':
        return runLogHook(call);
      default:
        return { status: 'unsupported', message: UNSUPPORTED[type] };
    }
  };

  return async (input: HookRunInput): Promise<EventBody[]> => {
    const events: EventBody[] = [];
    for (const [index, hook] of input.hooks.entries()) {
      const call = makeCall(options, input, hook, index);
      let outcome: HookOutcome;
      try {
        outcome = call.signal.aborted ? { status: 'failed', message: 'not run: hooks were stopped' } : await dispatch(call);
      } catch (error) {
        outcome = { status: 'failed', message: error instanceof Error ? error.message : String(error) };
      }
      events.push({
        type: 'hook.ran',
        ...(input.task ? { task: input.task.id } : {}),
        when: input.when,
        hook_type: hook.type,
        status: outcome.status,
        // Read the secrets only now: rendering during the hook may have added some.
        message: makeRedactor(call.secrets())(outcome.message),
      });
    }
    return events;
  };
}

function makeCall(options: HookRunnerOptions, input: HookRunInput, hook: Hook, index: number): HookCall {
  return {
    hook,
    index,
    input,
    config: hook.config ?? {},
    render: (text) => options.render(text, input.task),
    secrets: () => [...(input.spec?.secrets ?? []), ...(options.secrets ?? [])],
    signal: options.signal ?? NEVER_ABORTED,
    options,
  };
}
