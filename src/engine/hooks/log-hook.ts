import { makeRedactor } from '../../executors/redact.js';
import { configString, describeSummary, type HookCall, type HookLogLevel, type HookOutcome } from './hook-call.js';

/** The levels `config.level` accepts, as the seed spells them, and the logger's name for each. */
const LEVELS: Readonly<Record<string, HookLogLevel>> = { debug: 'debug', info: 'info', warning: 'warn', warn: 'warn', error: 'error' };

/**
 * `log`: writes `config.message` (rendered; by default a one-line summary of the moment) to the
 * console logger at `config.level` (debug, info, warning or error; info by default). The line is
 * redacted before it is written: the console is not a place for secrets either.
 */
export function runLogHook(call: HookCall): HookOutcome {
  const configured = configString(call, 'level') ?? 'info';
  const level = LEVELS[configured.toLowerCase()];
  if (!level) return { status: 'failed', message: `A \`log\` hook's \`config.level\` must be debug, info, warning or error, got \`${configured}\`; nothing was logged` };
  const template = configString(call, 'message');
  const text = template ? call.render(template) : describeSummary(call);
  // Only after rendering: the secrets the template pulled in are known from then on.
  const message = makeRedactor(call.secrets())(text);
  call.options.log(level, message, {
    execution_id: call.input.executionId,
    when: call.input.when,
    hook_type: 'log',
    ...(call.input.task ? { task: call.input.task.id } : {}),
  });
  return { status: 'sent', message: `logged at ${level}: ${message}` };
}
