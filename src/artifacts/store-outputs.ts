import { stat } from 'node:fs/promises';
import type { PlannedTask } from '../dag/pipeline-graph.js';
import type { AttemptSpec } from '../executors/executor.js';
import type { AfterSuccessInput, AfterSuccessResult } from '../engine/task-lifecycle.js';
import type { EventBody } from '../state/events.js';
import type { ArtifactStore, StoredArtifact } from './artifact-store.js';
import { resolveInside } from './output-paths.js';
import { evaluateRules, type OutputFile } from './rules/evaluate-rules.js';

/**
 * `artifact.stored` plus `upload_skipped`: why `upload_to` was not honoured, so the ledger never
 * implies an upload that did not happen. The fold ignores the extra field.
 */
export type ArtifactStoredEvent = Extract<EventBody, { type: 'artifact.stored' }> & { upload_skipped?: string };

/** Renders a templated artifact path (`orders_{{ ds }}.jsonl`) for one attempt of one task. */
export type RenderArtifactPath = (template: string, attempt: { executionId: string; task: PlannedTask; spec: AttemptSpec }) => string;

export interface StoreOutputsOptions {
  store: ArtifactStore;
  render: RenderArtifactPath;
}

/**
 * After a task exited 0: finds each declared output in the output directory, evaluates the
 * task's `validation_rules` on them, and only then stores them. A missing output or a failed
 * rule fails the task with every problem listed, and nothing of it is stored.
 */
export async function storeOutputs(options: StoreOutputsOptions, input: AfterSuccessInput): Promise<AfterSuccessResult> {
  const declared = input.task.task.output_artifacts ?? [];
  const rules = input.task.task.validation_rules ?? [];
  if (declared.length === 0 && rules.length === 0) return { events: [] };
  const outputDir = input.spec.env.OUTPUT_DIR;
  if (!outputDir) return { events: [], failure: { reason: `Task ${input.task.id} has no OUTPUT_DIR in its environment, so its outputs cannot be found` } };

  const outputs: (OutputFile & { uploadTo?: string })[] = [];
  const problems: string[] = [];
  for (const output of declared) {
    let path: string;
    let uploadTo: string | undefined;
    try {
      path = options.render(output.path, input);
      uploadTo = output.upload_to === undefined ? undefined : options.render(output.upload_to, input);
    } catch (error) {
      problems.push(`output \`${output.path}\`: ${(error as Error).message}`);
      continue;
    }
    // Paths go into the artifact index and the ledger as they are: a secret must never be part of one.
    if (holdsSecret(input.spec.secrets, path, uploadTo)) {
      problems.push(`output \`${output.path}\` renders to a path or upload_to holding a secret value: keep secrets out of artifact paths`);
      continue;
    }
    const resolved = await resolveInside(outputDir, path);
    if (!resolved.ok) {
      problems.push(`output ${resolved.reason}`);
      continue;
    }
    const stats = await stat(resolved.file).catch(() => undefined);
    if (!stats) problems.push(`declared output \`${path}\` was not written: expected ${resolved.file}`);
    else if (!stats.isFile()) problems.push(`declared output \`${path}\` is not a regular file (${resolved.file}): declare the files inside it`);
    else outputs.push({ path, file: resolved.file, type: output.type ?? 'file', uploadTo });
  }
  if (problems.length > 0) return { events: [], failure: { reason: `Task ${input.task.id} exited 0 but ${problems.join('; ')}` } };

  if (rules.length > 0) {
    const validation = await evaluateRules({ rules, outputs, outputDir, render: (text) => options.render(text, input) });
    const failed = validation.filter((outcome) => !outcome.passed);
    if (failed.length > 0) {
      const reason = `${failed.length} of ${validation.length} validation rules failed for task ${input.task.id}: ${failed.map((outcome) => outcome.message).join('; ')}`;
      return { events: [], failure: { reason, validation } };
    }
  }

  const events: EventBody[] = [];
  for (const output of outputs) {
    let stored: StoredArtifact;
    try {
      stored = await options.store.put({ executionId: input.executionId, task: input.task.id, path: output.path, sourcePath: output.file, type: output.type, uploadTo: output.uploadTo });
    } catch (error) {
      return { events, failure: { reason: `Task ${input.task.id}: could not store output \`${output.path}\`: ${(error as Error).message}` } };
    }
    events.push(storedEvent(stored));
  }
  return { events };
}

/** The ledger's record of a stored artifact. */
export function storedEvent(stored: StoredArtifact): ArtifactStoredEvent {
  return {
    type: 'artifact.stored',
    task: stored.task,
    path: stored.path,
    artifact_type: stored.type,
    sha256: stored.sha256,
    size_bytes: stored.sizeBytes,
    uri: stored.uri,
    ...(stored.uploadedTo ? { uploaded_to: stored.uploadedTo } : {}),
    ...(stored.uploadSkipped ? { upload_skipped: stored.uploadSkipped } : {}),
  };
}

function holdsSecret(secrets: readonly string[], ...texts: (string | undefined)[]): boolean {
  return secrets.some((secret) => secret !== '' && texts.some((text) => text?.includes(secret)));
}
