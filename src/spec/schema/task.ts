import { z } from 'zod';
import { hookList } from './hooks.js';
import { resourceRequest } from './resources.js';
import { duration, envMap, name, scalar } from './values.js';

export const TASK_TYPES = ['shell', 'python_script', 'node_script', 'sql_script', 'http', 'noop', 'docker', 'kubernetes_job', 'kubernetes_manifest', 'spark_job'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TRIGGER_RULES = ['all_success', 'all_done', 'one_failed', 'none_failed'] as const;
export const BACKOFFS = ['exponential', 'linear', 'constant'] as const;
export const ARTIFACT_TYPES = ['dataset', 'reference', 'model', 'report', 'metrics', 'log', 'file'] as const;

export const retryPolicy = z.strictObject({
  max_attempts: z.number().int().min(1).max(100).optional(),
  backoff: z.enum(BACKOFFS).optional(),
  initial_delay: duration.optional(),
  max_delay: duration.optional(),
  non_retryable_exit_codes: z.array(z.number().int()).optional(),
}).meta({ id: 'RetryPolicy' });

const outputArtifact = z.strictObject({
  path: z.string().min(1),
  type: z.enum(ARTIFACT_TYPES).optional(),
  upload_to: z.string().optional(),
  description: z.string().optional(),
});

const inputArtifact = z.union([
  z.string().min(1),
  z.strictObject({
    path: z.string().min(1),
    task: z.string().optional(),
    execution: z.string().optional(),
  }),
]);

const validationRule = z
  .strictObject({
    rule: z.string().min(1),
    artifact: z.string().optional(),
    column: z.string().optional(),
    columns: z.array(z.string()).optional(),
    threshold: z.number().min(0).max(1).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    comparator: z.enum(['>=', '<=', '>', '<', '==', '!=']).optional(),
  })
  .meta({ id: 'ValidationRule', description: '`not_null`, `unique_check`, `row_count`, or a metric name compared with `min`/`max` in a metrics artifact.' });

/** Fields every task type accepts. */
const taskBase = {
  name: name('task'),
  description: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
  env: envMap.optional(),
  resources: resourceRequest.optional(),
  timeout: duration.optional(),
  retry: z.union([z.boolean(), retryPolicy]).optional(),
  trigger_rule: z.enum(TRIGGER_RULES).optional(),
  on_failure: hookList.optional(),
  on_success: hookList.optional(),
  post_hooks: hookList.optional(),
  input_artifacts: z.array(inputArtifact).optional(),
  output_artifacts: z.array(outputArtifact).optional(),
  validation_rules: z.array(validationRule).optional(),
  checkpoint: z.strictObject({ path: z.string(), interval: z.string().optional() }).optional(),
};

const command = z.union([z.string().min(1), z.array(z.string()).min(1)]);

/** Fields only deployment-style Kubernetes tasks use. */
const rollout = {
  template_vars: z.record(z.string(), scalar).optional(),
  health_check: z
    .strictObject({
      endpoint: z.string(),
      timeout: duration.optional(),
      interval: duration.optional(),
      min_healthy: z.number().min(0).max(100).optional(),
    })
    .optional(),
  canary: z.strictObject({ initial_traffic: z.number().min(0).max(100), ramp_up: z.string().optional() }).optional(),
  rollback_on_failure: z.boolean().optional(),
};

export const task = z.discriminatedUnion('type', [
  z.strictObject({ ...taskBase, type: z.literal('shell'), command: z.string().min(1) }),
  z.strictObject({ ...taskBase, type: z.literal('python_script'), script: z.string().min(1) }),
  z.strictObject({ ...taskBase, type: z.literal('node_script'), script: z.string().min(1) }),
  z.strictObject({ ...taskBase, type: z.literal('sql_script'), script: z.string().min(1) }),
  z.strictObject({
    ...taskBase,
    type: z.literal('http'),
    url: z.string().min(1),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    headers: z.record(z.string(), scalar).optional(),
    body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
    expected_status: z.union([z.number().int(), z.array(z.number().int())]).optional(),
  }),
  z.strictObject({ ...taskBase, type: z.literal('noop') }),
  z.strictObject({ ...taskBase, type: z.literal('docker'), image: z.string().min(1), command: command.optional() }),
  z.strictObject({ ...taskBase, ...rollout, type: z.literal('kubernetes_job'), image: z.string().min(1), command: command.optional() }),
  z.strictObject({ ...taskBase, ...rollout, type: z.literal('kubernetes_manifest'), manifest: z.string().min(1) }),
  z.strictObject({
    ...taskBase,
    type: z.literal('spark_job'),
    application: z.string().min(1),
    conf: z.record(z.string(), scalar).optional(),
  }),
]);

export type Task = z.infer<typeof task>;
export type RetryPolicy = z.infer<typeof retryPolicy>;

/** Every key any task type accepts, for "did you mean" and "not used by this type" messages. */
export const ALL_TASK_KEYS: ReadonlySet<string> = new Set(task.options.flatMap((option) => Object.keys(option.shape)));
