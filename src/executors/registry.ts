import { SpecError } from '../errors.js';
import type { TaskType } from '../spec/schema/task.js';
import type { Executor } from './executor.js';

/** The executors configured at start-up, by kind. Only `local` is built today. */
export interface ExecutorSet {
  local: Executor;
  docker?: Executor;
  kubernetes?: Executor;
}

export interface ExecutorRegistry {
  /** The executor for a task type; throws a `SpecError` naming the fix when none runs it. */
  executorFor(type: string): Executor;
}

/** Which kind of executor runs each task type; `satisfies` keeps it in step with the spec. */
const EXECUTOR_OF_TYPE = {
  shell: 'local',
  python_script: 'local',
  node_script: 'local',
  spark_job: 'local',
  sql_script: 'local',
  http: 'local',
  noop: 'local',
  docker: 'docker',
  kubernetes_job: 'kubernetes',
  kubernetes_manifest: 'kubernetes',
} as const satisfies Record<TaskType, keyof ExecutorSet>;

/**
 * Built once at start-up from explicitly constructed executors (no registration by import side
 * effects), then asked for the executor of each attempt's type.
 */
export function createExecutorRegistry(executors: ExecutorSet): ExecutorRegistry {
  return {
    executorFor(type) {
      const kind = Object.hasOwn(EXECUTOR_OF_TYPE, type) ? EXECUTOR_OF_TYPE[type as TaskType] : undefined;
      if (kind === undefined) {
        throw new SpecError(`No executor runs \`${type}\` tasks; the task types are ${Object.keys(EXECUTOR_OF_TYPE).join(', ')}`);
      }
      const executor = executors[kind];
      if (!executor) throw new SpecError(`\`${type}\` tasks run on the ${kind} executor, which is not configured; configure it, or run the task as another type`);
      return executor;
    },
  };
}
