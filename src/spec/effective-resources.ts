import type { Pipeline, Stage } from './schema/pipeline.js';
import type { ResourceRequest } from './schema/resources.js';
import type { Task } from './schema/task.js';

/** Pipeline `default`, then the stage's entry, then the task's own `resources`; `limits` merge the same way. */
export function effectiveResources(pipeline: Pipeline, stage: Stage, task: Task): ResourceRequest {
  const layers = [pipeline.resources?.default, pipeline.resources?.[stage.name], task.resources].filter((layer): layer is ResourceRequest => layer !== undefined);
  const merged: ResourceRequest = {};
  for (const layer of layers) {
    const { limits, ...requests } = layer;
    Object.assign(merged, requests);
    if (limits) merged.limits = { ...merged.limits, ...limits };
  }
  return merged;
}
