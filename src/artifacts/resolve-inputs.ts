import type { BeforeAttemptInput } from '../engine/task-lifecycle.js';
import { OrchestrateError } from '../errors.js';
import type { ArtifactStore, StoredArtifact } from './artifact-store.js';
import { hashFile } from './hash-file.js';
import { resolveInside } from './output-paths.js';
import type { RenderArtifactPath } from './store-outputs.js';
import { remoteSchemeOf } from './upload-target.js';

export interface ResolveInputsOptions {
  store: ArtifactStore;
  render: RenderArtifactPath;
}

/** One `input_artifacts` entry, rendered. */
interface InputRef {
  path: string;
  task?: string;
  execution?: string;
}

/**
 * Before an attempt: every `input_artifacts` entry must be in the output directory as stored.
 * An output of an earlier task of this execution must be there with the sha256 it was stored
 * with; an artifact of another execution (`execution: ID`) is copied in from the store. Every
 * problem is reported at once; a failure fails the task without running it.
 */
export async function resolveInputs(options: ResolveInputsOptions, input: BeforeAttemptInput): Promise<{ events: []; failure?: string }> {
  const declared = input.task.task.input_artifacts ?? [];
  if (declared.length === 0) return { events: [] };
  const outputDir = input.spec.env.OUTPUT_DIR;
  if (!outputDir) return { events: [], failure: `Task ${input.task.id} has no OUTPUT_DIR in its environment, so its inputs cannot be placed` };
  const problems: string[] = [];
  const listed = new Map<string, Promise<StoredArtifact[]>>();
  const listOf = (executionId: string) => {
    const found = listed.get(executionId) ?? options.store.list({ executionId });
    listed.set(executionId, found);
    return found;
  };
  for (const entry of declared) {
    try {
      const ref = renderRef(options, typeof entry === 'string' ? { path: entry } : entry, input);
      const problem = await placeInput(options.store, ref, input.executionId, outputDir, await listOf(ref.execution ?? input.executionId));
      if (problem) problems.push(problem);
    } catch (error) {
      if (!(error instanceof OrchestrateError)) throw error;
      problems.push(error.message);
    }
  }
  return problems.length === 0 ? { events: [] } : { events: [], failure: `Task ${input.task.id} cannot start: ${problems.join('; ')}` };
}

async function placeInput(store: ArtifactStore, ref: InputRef, executionId: string, outputDir: string, stored: StoredArtifact[]): Promise<string | undefined> {
  const scheme = remoteSchemeOf(ref.path);
  if (scheme) return `input \`${ref.path}\` is in a ${scheme}:// store, which is not supported yet: produce it in an earlier task, or name an artifact of another execution with \`execution:\``;
  const fromOther = ref.execution !== undefined && ref.execution !== executionId;
  const where = fromOther ? `execution ${ref.execution}` : `the earlier tasks of execution ${executionId}`;
  const matches = stored.filter((artifact) => artifact.path === ref.path && (ref.task === undefined || isTask(artifact.task, ref.task)));
  const artifact = matches.at(-1);
  if (!artifact) {
    const known = stored.map((candidate) => `${candidate.task}:${candidate.path}`);
    const from = ref.task ? ` from task ${ref.task}` : '';
    return `input \`${ref.path}\`${from} is not among the artifacts stored by ${where} (${known.length === 0 ? 'it stored none' : `stored: ${known.join(', ')}`})` +
      (fromOther ? '' : ': declare it in the producing task\'s output_artifacts and depend on that task');
  }
  const resolved = await resolveInside(outputDir, ref.path);
  if (!resolved.ok) return `input ${resolved.reason}`;
  const present = await hashFile(resolved.file).catch(() => undefined);
  if (fromOther) {
    if (present?.sha256 === artifact.sha256) return undefined;
    if (present) return `input \`${ref.path}\` from execution ${ref.execution} would overwrite a different file already at ${resolved.file}`;
    await store.copyTo(artifact, resolved.file);
    return undefined;
  }
  if (!present) return `input \`${ref.path}\` was stored by ${artifact.task} but is missing from ${resolved.file}`;
  if (present.sha256 !== artifact.sha256) return `input \`${ref.path}\` at ${resolved.file} changed after ${artifact.task} stored it (sha256 ${present.sha256}, stored ${artifact.sha256})`;
  return undefined;
}

function renderRef(options: ResolveInputsOptions, ref: InputRef, input: BeforeAttemptInput): InputRef {
  return {
    path: options.render(ref.path, input),
    ...(ref.task === undefined ? {} : { task: ref.task }),
    ...(ref.execution === undefined ? {} : { execution: options.render(ref.execution, input) }),
  };
}

/** `stage.task`, or a task name matching the part after the stage. */
function isTask(stored: string, wanted: string): boolean {
  return stored === wanted || stored.endsWith(`.${wanted}`);
}
