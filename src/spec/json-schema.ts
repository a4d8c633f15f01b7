import { z } from 'zod';
import { pipeline } from './schema/pipeline.js';

export const PIPELINE_SCHEMA_ID = 'https://auto-orchestrator.dev/schemas/pipeline.schema.json';

/** JSON Schema (draft 2020-12) of the pipeline format, for editors and for ajv. */
export function pipelineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(pipeline, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return { $schema: schema.$schema, $id: PIPELINE_SCHEMA_ID, ...schema };
}
