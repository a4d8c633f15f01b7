import { remoteSchemeOf } from '../../artifacts/upload-target.js';
import { collectTasks, isRecord } from '../../spec/task-entries.js';
import type { ValidationContext } from '../context.js';

/**
 * Remote artifact stores are not built yet. Say so at review time rather than let a run look
 * as if it uploaded: a remote `upload_to` is kept locally only, a remote input fails the task.
 */
export function checkArtifacts(context: ValidationContext): void {
  for (const entry of collectTasks(context.source.value)) {
    const id = `${entry.stage}.${entry.name}`;
    const outputs = Array.isArray(entry.raw.output_artifacts) ? entry.raw.output_artifacts : [];
    outputs.forEach((output, index) => {
      const uploadTo = isRecord(output) ? output.upload_to : undefined;
      const scheme = typeof uploadTo === 'string' ? remoteSchemeOf(uploadTo) : undefined;
      if (scheme === undefined) return;
      context.report('structure/remote-artifact-store', [...entry.path, 'output_artifacts', index, 'upload_to'],
        `\`upload_to: ${String(uploadTo)}\` of \`${id}\` names a remote store (${scheme}://), which this version cannot upload to: the artifact is kept in the local store only, and the run records it as not uploaded`);
    });
    const inputs = Array.isArray(entry.raw.input_artifacts) ? entry.raw.input_artifacts : [];
    inputs.forEach((input, index) => {
      const path = typeof input === 'string' ? input : isRecord(input) ? input.path : undefined;
      const scheme = typeof path === 'string' ? remoteSchemeOf(path) : undefined;
      if (scheme === undefined) return;
      context.report('structure/remote-artifact-store', typeof input === 'string' ? [...entry.path, 'input_artifacts', index] : [...entry.path, 'input_artifacts', index, 'path'],
        `Input \`${String(path)}\` of \`${id}\` is in a remote store (${scheme}://), which this version cannot read: the task fails before it starts`);
    });
  }
}
