import { z } from 'zod';
import { hookList } from './hooks.js';
import { pipelineResources } from './resources.js';
import { retryPolicy, task } from './task.js';
import { duration, name, scalar } from './values.js';

export const FORMAT_VERSION = '2.1';

export const stage = z.strictObject({
  name: name('stage'),
  description: z.string().optional(),
  tasks: z.array(task).min(1, { error: 'A stage needs at least one task' }),
});

export const schedule = z.strictObject({
  cron: z.string().min(1),
  timezone: z.string().optional().meta({ description: 'IANA time zone such as `America/New_York`; UTC when absent.' }),
  concurrency: z.number().int().min(1).optional(),
  skip_if_running: z.boolean().optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  catchup: z.boolean().optional(),
});

export const pipeline = z
  .strictObject({
    version: z.union([z.literal(FORMAT_VERSION), z.literal(2.1)], { error: `\`version\` must be "${FORMAT_VERSION}"` }),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'Pipeline names use letters, digits, `_`, `-` and `.`' }),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    config: z
      .strictObject({
        timeout: duration.optional(),
        retry_policy: retryPolicy.optional(),
        parallel: z.boolean().optional().meta({ description: 'false (default): each stage waits for the whole previous stage; true: only dependencies order tasks.' }),
        max_concurrent: z.number().int().min(1).optional(),
      })
      .optional(),
    variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'Variable names use letters, digits and `_`' }), scalar).optional(),
    resources: pipelineResources.optional(),
    stages: z.array(stage).min(1, { error: 'A pipeline needs at least one stage' }),
    notifications: z
      .strictObject({ on_success: hookList.optional(), on_failure: hookList.optional(), on_retry: hookList.optional() })
      .optional(),
    schedule: schedule.optional(),
    depends_on: z.array(z.string()).optional().meta({ description: 'Pipelines that must have succeeded before this one runs.' }),
    requires: z.array(z.string()).optional().meta({ description: 'Datasets this pipeline reads, provided by other pipelines.' }),
    provides: z.array(z.string()).optional().meta({ description: 'Datasets this pipeline produces.' }),
    deploy: z
      .strictObject({
        on_merge: z.enum(['run', 'none']).optional().meta({ description: '`run`: start an execution at the new commit when a merge deploys a new version of this pipeline.' }),
      })
      .optional()
      .meta({ description: 'What happens when a merge to the tracked branch deploys this pipeline.' }),
    max_data_age: duration.optional().meta({ description: 'How old an upstream dataset may be before this pipeline refuses to run.' }),
  })
  .meta({ title: 'auto-orchestrator pipeline', description: 'A pipeline definition (format 2.1).' });

export type Pipeline = z.infer<typeof pipeline>;
export type Stage = z.infer<typeof stage>;
export type Schedule = z.infer<typeof schedule>;
