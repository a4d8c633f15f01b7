import type { ValuePath } from '../../spec/locate.js';
import { collectTasks, isRecord } from '../../spec/task-entries.js';
import type { ValidationContext } from '../context.js';

const TASK_HOOK_LISTS = ['on_failure', 'on_success', 'post_hooks'] as const;
const NOTIFICATION_LISTS = ['on_success', 'on_failure', 'on_retry'] as const;
/** Accepted by the format, reported as `unsupported` at run time: say so before the run. */
const UNSUPPORTED_HOOKS = new Set(['email', 'pagerduty', 'reject', 'promote']);

/** Each hook carries what its type needs to do anything. */
export function checkHooks(context: ValidationContext): void {
  for (const { list, path } of hookLists(context.source.value)) {
    list.forEach((hook, index) => {
      if (isRecord(hook)) checkHook(context, [...path, index], hook);
    });
  }
}

function checkHook(context: ValidationContext, path: ValuePath, hook: Record<string, unknown>): void {
  const config = isRecord(hook.config) ? hook.config : {};
  const missing = (what: string) => context.report('structure/hook-config', [...path, 'type'], `A \`${String(hook.type)}\` hook needs ${what}`);
  switch (hook.type) {
    case 'sql':
      if (typeof hook.script !== 'string' && typeof config.script !== 'string') missing('`script:` (a SQL file)');
      break;
    case 'shell':
      if (typeof hook.command !== 'string' && typeof config.command !== 'string') missing('`command:`');
      break;
    case 'notify':
    case 'webhook':
      if (typeof config.webhook !== 'string' && typeof config.url !== 'string') missing('`config.webhook` or `config.url`');
      break;
  }
  if (typeof hook.type === 'string' && UNSUPPORTED_HOOKS.has(hook.type)) {
    context.report('structure/unsupported-hook', [...path, 'type'], `\`${hook.type}\` hooks are not run by this version: the run records them as unsupported; use \`webhook\`, \`slack\` or \`shell\` to deliver it`);
  }
}

export function hookLists(value: unknown): { list: unknown[]; path: ValuePath }[] {
  const lists: { list: unknown[]; path: ValuePath }[] = [];
  for (const entry of collectTasks(value)) {
    for (const name of TASK_HOOK_LISTS) {
      const list = entry.raw[name];
      if (Array.isArray(list)) lists.push({ list, path: [...entry.path, name] });
    }
  }
  const notifications = isRecord(value) ? value.notifications : undefined;
  if (isRecord(notifications)) {
    for (const name of NOTIFICATION_LISTS) {
      const list = notifications[name];
      if (Array.isArray(list)) lists.push({ list, path: ['notifications', name] });
    }
  }
  return lists;
}
