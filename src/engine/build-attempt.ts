import { resolve } from 'node:path';
import type { PlannedTask } from '../dag/pipeline-graph.js';
import type { AttemptSpec } from '../executors/executor.js';
import { parseCpu, parseDuration, parseMemory } from '../spec/quantities.js';
import { renderTemplate, type TemplateScope } from '../spec/render-template.js';
import { effectiveResources } from '../spec/effective-resources.js';
import type { Pipeline } from '../spec/schema/pipeline.js';
import type { ResourceAmount } from './resource-pool.js';

export interface AttemptContext {
  pipeline: Pipeline;
  executionId: string;
  scope: TemplateScope;
  /** The read-only checkout tasks run from. */
  workspace: string;
  /** Where tasks write; shared by the tasks of one execution. */
  outputDir: string;
  /** Values to redact wherever task output travels; grows as secrets are rendered. */
  secrets: Set<string>;
  /** Inherited from the orchestrator so tasks find their interpreters. */
  baseEnv: Readonly<Record<string, string>>;
}

/** Renders a task into one attempt: its command, its environment, its limits. */
export function buildAttempt(context: AttemptContext, planned: PlannedTask, attempt: number): AttemptSpec {
  const { task } = planned;
  const scope: TemplateScope = { ...context.scope, task: { name: task.name, stage: planned.stage.name, id: planned.id, attempt: String(attempt) } };
  const render = (text: string) => renderTemplate(text, scope, context.secrets);
  const env: Record<string, string> = { ...context.baseEnv };
  for (const [key, value] of Object.entries(task.env ?? {})) env[key] = render(String(value));
  Object.assign(env, {
    EXECUTION_ID: context.executionId,
    TASK_NAME: task.name,
    STAGE_NAME: planned.stage.name,
    DS: scope.builtins.ds,
    ATTEMPT: String(attempt),
    OUTPUT_DIR: context.outputDir,
    WORKSPACE_DIR: context.workspace,
    // At-least-once: a task that may run twice can use this to make its side effects idempotent.
    IDEMPOTENCY_KEY: `${context.executionId}:${planned.id}:${attempt}`,
  });
  // `config.timeout` bounds the whole execution (the engine's timer), not each task.
  const parsedTimeout = task.timeout === undefined ? undefined : parseDuration(task.timeout);
  const resources = effectiveResources(context.pipeline, planned.stage, task);
  const memoryLimit = resources.limits?.memory ?? resources.memory;
  const parsedLimit = memoryLimit === undefined ? undefined : parseMemory(memoryLimit);
  return {
    executionId: context.executionId,
    taskId: planned.id,
    attempt,
    type: task.type,
    command: commandOf(planned, context.workspace, render),
    env,
    cwd: context.workspace,
    timeoutSeconds: parsedTimeout?.ok ? parsedTimeout.value : undefined,
    memoryLimitBytes: parsedLimit?.ok && parsedLimit.value.kind === 'fixed' ? parsedLimit.value.value : undefined,
    secrets: [...context.secrets],
  };
}

function commandOf(planned: PlannedTask, workspace: string, render: (text: string) => string): string[] | undefined {
  const task = planned.task;
  switch (task.type) {
    case 'shell':
      return ['sh', '-c', render(task.command)];
    case 'python_script':
      return ['python3', resolve(workspace, render(task.script))];
    case 'node_script':
      return ['node', resolve(workspace, render(task.script))];
    case 'spark_job':
      return ['spark-submit', ...Object.entries(task.conf ?? {}).flatMap(([key, value]) => ['--conf', `${key}=${String(value)}`]), resolve(workspace, render(task.application))];
    default:
      return undefined;
  }
}

/** What admission control counts for a task; `auto` sizes count as nothing until history exists. */
export function resourceRequestOf(pipeline: Pipeline, planned: PlannedTask): ResourceAmount {
  const resources = effectiveResources(pipeline, planned.stage, planned.task);
  const cpu = resources.cpu === undefined ? undefined : parseCpu(resources.cpu);
  const memory = resources.memory === undefined ? undefined : parseMemory(resources.memory);
  return {
    cpu: cpu?.ok && cpu.value.kind === 'fixed' ? cpu.value.value : 0,
    memoryBytes: memory?.ok && memory.value.kind === 'fixed' ? memory.value.value : 0,
  };
}
