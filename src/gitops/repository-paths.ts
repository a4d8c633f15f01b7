import { posix } from 'node:path';
import { parsePipelineText, type LoadResult } from '../spec/load-source.js';
import { referencedFiles } from '../spec/referenced-files.js';
import { hasTemplate } from '../spec/template.js';
import { walkStrings } from '../validate/walk-strings.js';
import { pipeline as pipelineSchema, type Pipeline } from '../spec/schema/pipeline.js';

const PIPELINE_EXTENSION = /\.ya?ml$/i;

/** Whether a repository path is a pipeline file under the pipelines directory. */
export function isPipelinePath(path: string, pipelinesDir: string): boolean {
  const dir = normalizeDir(pipelinesDir);
  return PIPELINE_EXTENSION.test(path) && (dir === '' || path.startsWith(`${dir}/`));
}

/** `pipelines/` and `./pipelines` both mean `pipelines`; `.` and `` mean the whole tree. */
export function normalizeDir(dir: string): string {
  const normal = posix.normalize(dir.replace(/\\/g, '/')).replace(/\/+$/, '');
  return normal === '.' ? '' : normal;
}

/**
 * A path as a pipeline wrote it (`./scripts/a.py`) as the repository path Git knows
 * (`scripts/a.py`); `undefined` when it leaves the repository.
 */
export function toRepositoryPath(path: string): string | undefined {
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  if (normal.startsWith('/') || normal === '..' || normal.startsWith('../')) return undefined;
  return normal.replace(/^\.\//, '');
}

/** A pipeline file's content as read from Git; `pipeline` only when it matches the schema. */
export interface ParsedBlob {
  path: string;
  value: unknown;
  pipeline?: Pipeline;
  /** The parse itself, with positions: validating the file need not parse it again. */
  loaded: LoadResult;
}

export function parsePipelineBlob(path: string, bytes: Buffer): ParsedBlob {
  const loaded = parsePipelineText(path, bytes);
  const value = loaded.source?.value;
  const typed = pipelineSchema.safeParse(value);
  return { path, value, pipeline: typed.success ? typed.data : undefined, loaded };
}

/**
 * Repository paths of the files a pipeline refers to. For a file that fails the schema there is no
 * typed pipeline, so every string that could be a path counts: its checks still need the files that exist.
 */
export function filesReferencedBy(blob: ParsedBlob): string[] {
  const paths = new Set<string>();
  const add = (text: string) => {
    const path = text !== '' && !hasTemplate(text) ? toRepositoryPath(text) : undefined;
    if (path !== undefined && path !== '.') paths.add(path);
  };
  // The same paths a version hashes (see `hashPipelineVersion`), so selection and versions agree.
  if (blob.pipeline) referencedFiles(blob.pipeline).forEach(add);
  // Any string could be a path here; one with whitespace is a command or a description.
  else
    walkStrings(blob.value, (text) => {
      if (!/\s/.test(text)) add(text);
    });
  return [...paths];
}
