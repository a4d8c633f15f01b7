import { pipeline as pipelineSchema, type Pipeline } from '../../src/spec/schema/pipeline.js';
import { seededRandom } from '../validate/generate-pipeline.js';

/**
 * The DAG shapes the engine benchmarks run, built as pipeline objects (and checked by the
 * pipeline schema) rather than YAML: the engine is measured here, not the loader.
 */
export type Shape = 'chain' | 'wide' | 'layered';
export type TaskKind = 'true' | 'noop';

export interface ShapeOptions {
  shape: Shape;
  tasks: number;
  kind: TaskKind;
  /** `config.max_concurrent`; unbounded when absent. */
  maxConcurrent?: number;
}

const EDGES_PER_TASK = 3;

/** `task_000042`: fixed width, so tasks sort in the order they were made. */
export function taskName(index: number): string {
  return `task_${String(index).padStart(6, '0')}`;
}

export function makePipeline(options: ShapeOptions): Pipeline {
  const dependenciesOf = dependencyRule(options);
  const tasks = Array.from({ length: options.tasks }, (_, index) => {
    const dependencies = dependenciesOf(index);
    return {
      name: taskName(index),
      ...(options.kind === 'true' ? { type: 'shell' as const, command: 'true' } : { type: 'noop' as const }),
      ...(dependencies.length > 0 ? { dependencies } : {}),
      // No retries: a failing step must show as a failed run, not as a slow one.
      retry: false,
    };
  });
  return pipelineSchema.parse({
    version: '2.1',
    name: `bench_${options.shape}_${options.kind}_${options.tasks}`,
    config: { parallel: true, ...(options.maxConcurrent !== undefined ? { max_concurrent: options.maxConcurrent } : {}) },
    stages: [{ name: 'bench', tasks }],
  });
}

/**
 * chain: each task waits for the one before. wide: no edges at all. layered: layers of about
 * √N tasks, each task waiting for three distinct tasks of the layer before (as in the
 * validator benchmark), so readiness fans in and out at every step.
 */
function dependencyRule(options: ShapeOptions): (index: number) => string[] {
  switch (options.shape) {
    case 'chain':
      return (index) => (index === 0 ? [] : [taskName(index - 1)]);
    case 'wide':
      return () => [];
    case 'layered': {
      const width = Math.max(EDGES_PER_TASK + 1, Math.round(Math.sqrt(options.tasks)));
      const random = seededRandom(options.tasks);
      return (index) => {
        const layer = Math.floor(index / width);
        if (layer === 0) return [];
        const chosen = new Set<number>();
        while (chosen.size < EDGES_PER_TASK) chosen.add((layer - 1) * width + Math.floor(random() * width));
        return [...chosen].map(taskName);
      };
    }
  }
}
