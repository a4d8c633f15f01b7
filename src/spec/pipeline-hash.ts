import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Pipeline } from './schema/pipeline.js';
import { referencedFiles } from './referenced-files.js';

/**
 * The version hash of a pipeline: sha256 over the pipeline file and every file it references,
 * each named by its path, so changing a script changes the version even when the YAML did not.
 */
export function pipelineHash(pipelineFile: string, pipeline: Pipeline, root: string): string {
  const hash = createHash('sha256');
  const entries = [relative(root, pipelineFile).split(sep).join('/'), ...referencedFiles(pipeline)];
  for (const path of entries) {
    let digest = 'missing';
    try {
      digest = createHash('sha256').update(readFileSync(resolve(root, path))).digest('hex');
    } catch {
      // A missing file is part of the version too (validation reports it).
    }
    hash.update(`${path}\0${digest}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}
