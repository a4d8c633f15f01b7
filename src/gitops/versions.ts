import { hashPipelineVersion } from '../spec/pipeline-hash.js';
import { referencedFiles } from '../spec/referenced-files.js';
import { isPipelinePath, normalizeDir, parsePipelineBlob, toRepositoryPath } from './repository-paths.js';
import type { Source } from './source.js';

/** A pipeline as it is at one commit. */
export interface PipelineVersion {
  /** `name@sha`. */
  id: string;
  name: string;
  sha: string;
  /** The pipeline file, relative to the repository root. */
  file: string;
  /** sha256 over the pipeline file and every file it references at `sha` (see `hashPipelineVersion`). */
  hash: string;
}

/** A pipeline file that has no version because it does not match the schema. */
export interface UnversionedFile {
  file: string;
  reason: string;
}

/**
 * The version of every pipeline under `pipelinesDir` at `sha`, read from Git without a checkout:
 * two batched reads, the pipeline files and then the files they reference.
 */
export async function versionsAt(source: Source, sha: string, options: { pipelinesDir?: string } = {}): Promise<{ versions: PipelineVersion[]; unversioned: UnversionedFile[] }> {
  const dir = normalizeDir(options.pipelinesDir ?? 'pipelines');
  const files = (await source.listFiles(sha, dir)).filter((path) => isPipelinePath(path, dir));
  const blobs = await source.readFiles(sha, files);
  const parsed = files.map((file) => parsePipelineBlob(file, blobs.get(file) ?? Buffer.alloc(0)));
  const referenced = parsed.flatMap((blob) => (blob.pipeline ? referencedFiles(blob.pipeline) : []));
  const contents = await source.readFiles(sha, referenced.map(toRepositoryPath).filter((path): path is string => path !== undefined));
  const read = (path: string) => {
    const repositoryPath = toRepositoryPath(path);
    return repositoryPath === undefined ? undefined : (contents.get(repositoryPath) ?? blobs.get(repositoryPath));
  };
  const versions: PipelineVersion[] = [];
  const unversioned: UnversionedFile[] = [];
  for (const blob of parsed) {
    if (!blob.pipeline) {
      unversioned.push({ file: blob.path, reason: 'does not match the pipeline schema; run `orchestrate validate pipeline` on it' });
      continue;
    }
    const hash = hashPipelineVersion(blob.path, blob.pipeline, read);
    versions.push({ id: `${blob.pipeline.name}@${sha}`, name: blob.pipeline.name, sha, file: blob.path, hash });
  }
  return { versions: versions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), unversioned };
}
