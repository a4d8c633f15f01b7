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
  return hashPipelineVersion(relative(root, pipelineFile).split(sep).join('/'), pipeline, (path) => {
    try {
      return readFileSync(resolve(root, path));
    } catch {
      return undefined;
    }
  });
}

/**
 * The same hash from any reader of repository files (a checkout, or blobs at a commit), so the
 * version computed from Git before a run equals the one the run records from its workspace.
 * `read` gets each path as the pipeline wrote it and returns `undefined` for a missing file.
 */
export function hashPipelineVersion(pipelinePath: string, pipeline: Pipeline, read: (path: string) => Buffer | undefined): string {
  const hash = createHash('sha256');
  for (const path of [pipelinePath, ...referencedFiles(pipeline)]) {
    const content = read(path);
    // A missing file is part of the version too (validation reports it).
    const digest = content === undefined ? 'missing' : createHash('sha256').update(content).digest('hex');
    hash.update(`${path}\0${digest}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}
