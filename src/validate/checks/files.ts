import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ValuePath } from '../../spec/locate.js';
import { hasTemplate } from '../../spec/template.js';
import { collectTasks, isRecord } from '../../spec/task-entries.js';
import type { ValidationContext } from '../context.js';
import { hookLists } from './hooks.js';

const TASK_FILE_FIELDS = ['script', 'application', 'manifest'] as const;

/** Every referenced file exists inside the repository root; templated paths are checked at run time. */
export function checkReferencedFiles(context: ValidationContext, exists: (path: string) => boolean = cachedExists()): void {
  const check = (path: ValuePath, reference: unknown) => {
    if (typeof reference !== 'string' || reference === '' || hasTemplate(reference)) return;
    const absolute = resolve(context.options.root, reference);
    const inside = relative(context.options.root, absolute);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      return context.report('structure/path-escape', path, `\`${reference}\` resolves outside the repository root; keep referenced files in the repository so every execution can be reproduced from its commit`);
    }
    if (!exists(absolute)) context.report('structure/missing-file', path, `\`${reference}\` does not exist (looked for ${inside} under the repository root)`);
  };
  for (const entry of collectTasks(context.source.value)) {
    for (const field of TASK_FILE_FIELDS) check([...entry.path, field], entry.raw[field]);
  }
  for (const { list, path } of hookLists(context.source.value)) {
    list.forEach((hook, index) => {
      if (!isRecord(hook)) return;
      check([...path, index, 'script'], hook.script);
      if (isRecord(hook.config)) {
        check([...path, index, 'config', 'script'], hook.config.script);
        check([...path, index, 'config', 'template'], hook.config.template);
      }
    });
  }
}

function cachedExists(): (path: string) => boolean {
  const cache = new Map<string, boolean>();
  return (path) => {
    let found = cache.get(path);
    if (found === undefined) {
      try {
        found = statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
      } catch {
        // A NUL byte, a file used as a directory (ENOTDIR), a name too long: none of these is a file.
        found = false;
      }
      cache.set(path, found);
    }
    return found;
  };
}
