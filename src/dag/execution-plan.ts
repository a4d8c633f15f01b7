import { effectiveResources } from '../spec/effective-resources.js';
import type { Pipeline } from '../spec/schema/pipeline.js';
import type { ResourceRequest } from '../spec/schema/resources.js';
import { graphOfPipeline } from './pipeline-graph.js';
import { planWaves } from './plan-waves.js';

export interface PlanStep {
  id: string;
  type: string;
  dependencies: string[];
  resources: ResourceRequest;
  timeout?: string | number;
  skipped: boolean;
}

export interface ExecutionPlan {
  pipeline: string;
  parallel: boolean;
  maxConcurrent?: number;
  stages: number;
  tasks: number;
  waves: PlanStep[][];
}

/** What would run and in which order, for `--dry-run`; skipped tasks stay in the plan, marked. */
export function planExecution(pipeline: Pipeline, options: { skip?: ReadonlySet<string> } = {}): ExecutionPlan {
  const { graph, nodes } = graphOfPipeline(pipeline);
  const waves = planWaves(graph).map((wave) =>
    wave.map((index) => {
      const node = nodes[index] as (typeof nodes)[number];
      return {
        id: node.id,
        type: node.task.type,
        dependencies: node.task.dependencies ?? [],
        resources: effectiveResources(pipeline, node.stage, node.task),
        timeout: node.task.timeout,
        skipped: options.skip?.has(node.id) === true || options.skip?.has(node.task.name) === true,
      };
    }),
  );
  return {
    pipeline: pipeline.name,
    parallel: graph.parallel,
    maxConcurrent: pipeline.config?.max_concurrent,
    stages: pipeline.stages.length,
    tasks: nodes.length,
    waves,
  };
}
