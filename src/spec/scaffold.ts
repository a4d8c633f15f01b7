import { Document, parseDocument } from 'yaml';
import { FORMAT_VERSION } from './schema/pipeline.js';

export const PIPELINE_KINDS = ['etl', 'ml', 'sync', 'validation', 'custom'] as const;
export type PipelineKind = (typeof PIPELINE_KINDS)[number];

/** Stage names a data engineer expects for each kind of pipeline, in order. */
const STAGES_BY_KIND: Record<PipelineKind, string[]> = {
  etl: ['extract', 'transform', 'validate', 'load', 'publish'],
  ml: ['preprocess', 'train', 'evaluate', 'register', 'deploy'],
  sync: ['read_source', 'diff', 'apply', 'verify', 'report'],
  validation: ['collect', 'check', 'quarantine', 'report'],
  custom: [],
};

export interface ScaffoldRequest {
  name: string;
  kind: PipelineKind;
  stages: number;
  description?: string;
  tags?: string[];
  schedule?: string;
  timezone: string;
  /** Path from the output file to the JSON Schema, for the editor comment. */
  schemaPath: string;
  /** A pipeline file to start from instead of the built-in skeleton. */
  template?: string;
}

/**
 * A new pipeline that passes `--strict`: explicit timeouts, a retry policy, an explicit time zone,
 * artifacts partitioned by date, and tasks that only use the environment the engine provides.
 */
export function scaffoldPipeline(request: ScaffoldRequest): string {
  const doc = request.template === undefined ? new Document(skeleton(request)) : parseDocument(request.template);
  doc.set('name', request.name);
  if (request.description !== undefined) doc.set('description', request.description);
  if (request.tags !== undefined) doc.set('tags', doc.createNode(request.tags, { flow: true }));
  if (request.schedule !== undefined) doc.set('schedule', doc.createNode({ cron: request.schedule, timezone: request.timezone, concurrency: 1, skip_if_running: true }));
  const body = doc.toString({ lineWidth: 0 });
  const header = `# yaml-language-server: $schema=${request.schemaPath}\n`;
  return body.startsWith('# yaml-language-server:') ? body : header + body;
}

function skeleton(request: ScaffoldRequest): object {
  const known = STAGES_BY_KIND[request.kind];
  const stageNames = Array.from({ length: request.stages }, (_, index) => known[index] ?? `stage_${index + 1}`);
  return {
    version: FORMAT_VERSION,
    name: request.name,
    description: request.description ?? `${request.kind} pipeline ${request.name}`,
    tags: request.tags ?? [request.kind],
    config: {
      timeout: '2h',
      retry_policy: { max_attempts: 3, backoff: 'exponential', initial_delay: '30s', max_delay: '10m' },
      parallel: false,
      max_concurrent: 4,
    },
    variables: { RUN_DATE: '{{ ds }}' },
    resources: { default: { cpu: 1, memory: '1Gi' } },
    stages: stageNames.map((stage, index) => ({
      name: stage,
      description: `TODO: describe what ${stage} does`,
      tasks: [
        {
          name: `${stage}_main`,
          type: 'shell',
          // $OUTPUT_DIR and $DS are set by the engine for every task.
          command: `echo "${stage} for $DS" > "$OUTPUT_DIR/${stage}_$DS.txt"`,
          ...(index > 0 ? { dependencies: [`${stageNames[index - 1]}.${stageNames[index - 1]}_main`] } : {}),
          timeout: '30m',
          retry: true,
          output_artifacts: [{ path: `${stage}_{{ RUN_DATE }}.txt`, type: 'dataset' }],
        },
      ],
    })),
    notifications: { on_failure: [{ type: 'log', config: { level: 'error', message: 'Pipeline {{ pipeline.name }} failed for {{ ds }}' } }] },
  };
}
