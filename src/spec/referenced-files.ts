import type { Pipeline } from './schema/pipeline.js';
import type { Hook } from './schema/hooks.js';
import { hasTemplate } from './template.js';

/** Every file a pipeline refers to (scripts, applications, manifests, hook SQL and templates), relative to the repository root. */
export function referencedFiles(pipeline: Pipeline): string[] {
  const files = new Set<string>();
  const add = (path: unknown) => {
    if (typeof path === 'string' && path !== '' && !hasTemplate(path)) files.add(path);
  };
  const addHooks = (hooks: readonly Hook[] | undefined) => {
    for (const hook of hooks ?? []) {
      add(hook.script);
      add(hook.config?.script);
      add(hook.config?.template);
    }
  };
  for (const stage of pipeline.stages) {
    for (const task of stage.tasks) {
      if ('script' in task) add(task.script);
      if ('application' in task) add(task.application);
      if ('manifest' in task) add(task.manifest);
      addHooks(task.on_failure);
      addHooks(task.on_success);
      addHooks(task.post_hooks);
    }
  }
  addHooks(pipeline.notifications?.on_success);
  addHooks(pipeline.notifications?.on_failure);
  addHooks(pipeline.notifications?.on_retry);
  return [...files].sort();
}
