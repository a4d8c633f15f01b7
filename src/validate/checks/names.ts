import { stagesOf, isRecord } from '../../spec/task-entries.js';
import type { ValidationContext } from '../context.js';

/** Stage names are unique in the pipeline; task names are unique in their stage. */
export function checkDuplicateNames(context: ValidationContext): void {
  const stageNames = new Map<string, number>();
  for (const { stage, index } of stagesOf(context.source.value)) {
    if (typeof stage.name === 'string') {
      const first = stageNames.get(stage.name);
      if (first !== undefined) {
        context.report('structure/duplicate-name', ['stages', index, 'name'], `Stage \`${stage.name}\` is defined twice (first at stage ${first + 1}); dependencies would be ambiguous`);
      } else {
        stageNames.set(stage.name, index);
      }
    }
    if (!Array.isArray(stage.tasks)) continue;
    const taskNames = new Map<string, number>();
    stage.tasks.forEach((task, taskIndex) => {
      if (!isRecord(task) || typeof task.name !== 'string') return;
      if (taskNames.has(task.name)) {
        context.report('structure/duplicate-name', ['stages', index, 'tasks', taskIndex, 'name'], `Task \`${task.name}\` is defined twice in stage \`${String(stage.name)}\``);
      } else {
        taskNames.set(task.name, taskIndex);
      }
    });
  }
}
