import { z } from 'zod';
import { cpu, memory } from './values.js';

export const resourceLimits = z.strictObject({
  cpu: cpu.optional(),
  memory: memory.optional(),
  disk: memory.optional(),
  gpu: z.number().int().nonnegative().optional(),
});

export const resourceRequest = z
  .strictObject({
    cpu: cpu.optional(),
    memory: memory.optional(),
    disk: memory.optional(),
    gpu: z.number().int().nonnegative().optional(),
    executor_instances: z.number().int().positive().optional(),
    limits: resourceLimits.optional(),
  })
  .meta({ id: 'ResourceRequest', description: 'Requests a task needs to start; `limits` caps what it may use.' });

/** Pipeline-level resources: `default` plus one entry per stage name. */
export const pipelineResources = z.record(z.string(), resourceRequest).meta({
  description: '`default` applies to every task; a key named after a stage applies to its tasks; task `resources` override both.',
});

export type ResourceRequest = z.infer<typeof resourceRequest>;
