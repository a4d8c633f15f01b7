import { scanTemplate } from '../../spec/template.js';
import { collectTasks, isRecord, type TaskEntry } from '../../spec/task-entries.js';
import type { ValidationContext } from '../context.js';
import { expandVariables } from './templates.js';

const CONTAINER_TYPES = new Set(['docker', 'kubernetes_job', 'kubernetes_manifest']);
const PARTITION_NAMES = new Set(['execution_id', 'ds', 'ds_nodash']);

/** The careful-reviewer rules of `--strict` that look at tasks one by one. */
export function checkStrictTasks(context: ValidationContext): void {
  const value = context.source.value;
  const root = isRecord(value) ? value : {};
  const variables = isRecord(root.variables) ? root.variables : {};
  const resources = isRecord(root.resources) ? root.resources : {};
  for (const entry of collectTasks(value)) {
    if (entry.raw.timeout === undefined) {
      context.report('strict/missing-timeout', entry.path, `Task \`${entry.stage}.${entry.name}\` has no \`timeout\`; a hung call would block the pipeline`);
    }
    if (entry.type !== undefined && CONTAINER_TYPES.has(entry.type)) checkMemoryLimit(context, entry, resources);
    checkArtifactPartitions(context, entry, variables);
    checkShellSubstitution(context, entry);
  }
}

function checkMemoryLimit(context: ValidationContext, entry: TaskEntry, resources: Record<string, unknown>): void {
  const layers = [resources.default, resources[entry.stage], entry.raw.resources].filter(isRecord);
  const memory = layers.some((layer) => layer.memory !== undefined);
  const limit = layers.some((layer) => isRecord(layer.limits) && layer.limits.memory !== undefined);
  if (memory && !limit) {
    const at = isRecord(entry.raw.resources) ? [...entry.path, 'resources'] : [...entry.path, 'name'];
    context.report('strict/memory-limit', at, `Container task \`${entry.stage}.${entry.name}\` requests memory but sets no \`limits.memory\`; it could be OOM-killed or starve its neighbours`, { key: isRecord(entry.raw.resources) });
  }
}

function checkArtifactPartitions(context: ValidationContext, entry: TaskEntry, variables: Record<string, unknown>): void {
  if (!Array.isArray(entry.raw.output_artifacts)) return;
  entry.raw.output_artifacts.forEach((artifact, index) => {
    if (!isRecord(artifact) || typeof artifact.path !== 'string') return;
    const expanded = expandVariables(artifact.path, variables);
    const partitioned = scanTemplate(expanded).some((part) => part.ref.kind === 'builtin' && PARTITION_NAMES.has(part.ref.name));
    if (!partitioned) {
      context.report('strict/artifact-partition', [...entry.path, 'output_artifacts', index, 'path'], `Artifact path \`${artifact.path}\` has no \`{{ execution_id }}\` or date partition, so each run overwrites the last`);
    }
  });
}

function checkShellSubstitution(context: ValidationContext, entry: TaskEntry): void {
  if (!isRecord(entry.raw.env)) return;
  for (const [key, raw] of Object.entries(entry.raw.env)) {
    if (typeof raw !== 'string') continue;
    const needle = raw.includes('$(') ? '$(' : raw.includes('`') ? '`' : undefined;
    if (needle) {
      context.report('strict/shell-substitution', [...entry.path, 'env', key], `\`env.${key}\` holds \`${needle === '$(' ? '$(…)' : '`…`'}\`, which is passed on as literal text and never run; compute it in the task or use a template such as \`{{ ds_nodash }}\``, { within: { needle } });
    }
  }
}
