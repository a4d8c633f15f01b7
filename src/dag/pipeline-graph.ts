import type { Pipeline, Stage } from '../spec/schema/pipeline.js';
import type { Task } from '../spec/schema/task.js';
import { buildTaskGraph, type TaskGraph } from './task-graph.js';

export interface PlannedTask {
  id: string;
  stage: Stage;
  task: Task;
}

/** The graph of a pipeline that passed validation, with the spec of each node. */
export function graphOfPipeline(pipeline: Pipeline): { graph: TaskGraph; nodes: PlannedTask[] } {
  const nodes: PlannedTask[] = pipeline.stages.flatMap((stage) => stage.tasks.map((task) => ({ id: `${stage.name}.${task.name}`, stage, task })));
  const stageIndex = new Map(pipeline.stages.map((stage, index) => [stage, index]));
  const { graph } = buildTaskGraph(
    nodes.map((node) => ({ id: node.id, stage: node.stage.name, name: node.task.name, stageIndex: stageIndex.get(node.stage) as number, dependencies: node.task.dependencies ?? [] })),
    { parallel: pipeline.config?.parallel === true },
  );
  return { graph, nodes };
}
