import { effectiveResources } from '../../spec/effective-resources.js';
import type { ValuePath } from '../../spec/locate.js';
import type { Pipeline } from '../../spec/schema/pipeline.js';
import { collectTasks, isRecord } from '../../spec/task-entries.js';

export const REQUEST_FIELDS = ['cpu', 'memory', 'gpu'] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

/** One task's requests after merging default → stage → task, with where each came from. */
export interface TaskRequests {
  /** `stage.task` */
  id: string;
  type: string | undefined;
  /** Path of the task in the pipeline value. */
  path: ValuePath;
  /** Values as written (`2`, `"500m"`, `"4Gi"`, `"auto"`); parsed by the check. */
  requests: Partial<Record<RequestField, unknown>>;
  /** Where each request is written: `task`, or the `resources.<key>` it is inherited from. */
  origin: Partial<Record<RequestField, string>>;
}

/**
 * Merged requests of every task. Uses the typed pipeline when the file matched the schema;
 * otherwise reads the raw value tolerantly, so one bad field elsewhere does not hide a request
 * that can never fit. Values that are not valid quantities are left to the schema findings.
 */
export function taskRequests(value: unknown, typed: Pipeline | undefined): TaskRequests[] {
  return typed ? fromTyped(typed) : fromRaw(value);
}

function fromTyped(pipeline: Pipeline): TaskRequests[] {
  const all: TaskRequests[] = [];
  pipeline.stages.forEach((stage, stageIndex) => {
    stage.tasks.forEach((task, taskIndex) => {
      const merged = effectiveResources(pipeline, stage, task);
      const layers = { task: task.resources, stage: pipeline.resources?.[stage.name] };
      const entry: TaskRequests = { id: `${stage.name}.${task.name}`, type: task.type, path: ['stages', stageIndex, 'tasks', taskIndex], requests: {}, origin: {} };
      for (const field of REQUEST_FIELDS) {
        if (merged[field] === undefined) continue;
        entry.requests[field] = merged[field];
        entry.origin[field] = layers.task?.[field] !== undefined ? 'task' : layers.stage?.[field] !== undefined ? `resources.${stage.name}` : 'resources.default';
      }
      all.push(entry);
    });
  });
  return all;
}

function fromRaw(value: unknown): TaskRequests[] {
  const resources = isRecord(value) && isRecord(value.resources) ? value.resources : {};
  return collectTasks(value).map((task) => {
    const layers: [string, unknown][] = [['resources.default', resources.default], [`resources.${task.stage}`, resources[task.stage]], ['task', task.raw.resources]];
    const entry: TaskRequests = { id: `${task.stage}.${task.name}`, type: task.type, path: task.path, requests: {}, origin: {} };
    for (const [origin, layer] of layers) {
      if (!isRecord(layer)) continue;
      for (const field of REQUEST_FIELDS) {
        if (layer[field] === undefined) continue;
        entry.requests[field] = layer[field];
        entry.origin[field] = origin;
      }
    }
    return entry;
  });
}
