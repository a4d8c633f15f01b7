import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PlannedTask } from '../../src/dag/pipeline-graph.js';
import type { AttemptSpec } from '../../src/executors/executor.js';
import { renderTemplate } from '../../src/spec/render-template.js';
import { task as taskSchema, type Task } from '../../src/spec/schema/task.js';

/** A task as the engine plans it, parsed by the real schema so fixtures stay valid pipeline YAML. */
export function plannedTask(stage: string, raw: Record<string, unknown>): PlannedTask {
  const parsed: Task = taskSchema.parse({ type: 'noop', ...raw });
  return { id: `${stage}.${parsed.name}`, stage: { name: stage, tasks: [parsed] }, task: parsed };
}

/** What an attempt of `planned` in `executionId` would carry; the output dir lives under `workdir`. */
export function attemptOf(workdir: string, executionId: string, planned: PlannedTask, ds = '2024-01-15'): { executionId: string; task: PlannedTask; attempt: number; spec: AttemptSpec } {
  const outputDir = join(workdir, 'executions', executionId, 'output');
  mkdirSync(outputDir, { recursive: true });
  const spec: AttemptSpec = {
    executionId,
    taskId: planned.id,
    attempt: 1,
    type: planned.task.type,
    env: { DS: ds, EXECUTION_ID: executionId, OUTPUT_DIR: outputDir },
    cwd: workdir,
    secrets: [],
  };
  return { executionId, task: planned, attempt: 1, spec };
}

/** Renders the way the engine does: the execution's builtins and the task's names. */
export function renderArtifactPath(template: string, attempt: { executionId: string; task: PlannedTask; spec: AttemptSpec }): string {
  const ds = attempt.spec.env.DS ?? '';
  return renderTemplate(template, {
    variables: { REGION: 'emea' },
    builtins: { ds, ds_nodash: ds.replaceAll('-', ''), execution_id: attempt.executionId },
    pipelineName: 'test',
    env: {},
    secrets: {},
    task: { name: attempt.task.task.name, stage: attempt.task.stage.name, id: attempt.task.id },
  });
}
