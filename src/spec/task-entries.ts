import type { ValuePath } from './locate.js';

/**
 * A tolerant view of the tasks in a pipeline value that may not match the schema:
 * semantic checks run on it so one bad field never hides the other problems.
 */
export interface TaskEntry {
  stage: string;
  stageIndex: number;
  taskIndex: number;
  name: string;
  type: string | undefined;
  raw: Record<string, unknown>;
  path: ValuePath;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stagesOf(value: unknown): { stage: Record<string, unknown>; index: number }[] {
  if (!isRecord(value) || !Array.isArray(value.stages)) return [];
  const stages: { stage: Record<string, unknown>; index: number }[] = [];
  value.stages.forEach((stage, index) => {
    if (isRecord(stage)) stages.push({ stage, index });
  });
  return stages;
}

export function collectTasks(value: unknown): TaskEntry[] {
  const entries: TaskEntry[] = [];
  for (const { stage, index: stageIndex } of stagesOf(value)) {
    if (!Array.isArray(stage.tasks)) continue;
    const stageName = typeof stage.name === 'string' ? stage.name : `#${stageIndex + 1}`;
    stage.tasks.forEach((task, taskIndex) => {
      if (!isRecord(task) || typeof task.name !== 'string') return;
      entries.push({
        stage: stageName,
        stageIndex,
        taskIndex,
        name: task.name,
        type: typeof task.type === 'string' ? task.type : undefined,
        raw: task,
        path: ['stages', stageIndex, 'tasks', taskIndex],
      });
    });
  }
  return entries;
}

export function stringList(value: unknown): { value: string; index: number }[] {
  if (!Array.isArray(value)) return [];
  const list: { value: string; index: number }[] = [];
  value.forEach((item, index) => {
    if (typeof item === 'string') list.push({ value: item, index });
  });
  return list;
}
