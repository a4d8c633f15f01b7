import { hashPipelineVersion } from '../spec/pipeline-hash.js';
import type { DeployedVersion } from '../state/events.js';
import { filesReferencedBy, isPipelinePath, normalizeDir, toRepositoryPath, type ParsedBlob } from './repository-paths.js';
import type { Selection } from './select-pipelines.js';
import type { Source } from './source.js';

/**
 * The versions at `head`, given the versions at the selection's base and what changed since.
 * Pipelines the selection touched are hashed again from their blobs at `head`. Every other
 * pipeline file is byte for byte what it was at base, and so is every file it references (a
 * change to one would have selected it), so its version carries over unchanged. One changed
 * pipeline among a thousand reads and hashes one, where `versionsAt` would read them all.
 *
 * `previous` must be the versions computed at the selection's base under the same pipelines
 * directory (the active deployment's); sorted by name, as `versionsAt` sorts them.
 */
export async function versionsAfterChange(
  source: Source,
  head: string,
  selection: Pick<Selection, 'validated' | 'removed' | 'head'>,
  previous: readonly DeployedVersion[],
  options: { pipelinesDir?: string } = {},
): Promise<DeployedVersion[]> {
  const dir = normalizeDir(options.pipelinesDir ?? 'pipelines');
  const touched = new Set([...selection.validated, ...selection.removed].map((change) => change.file));
  const carried = previous.filter((version) => !touched.has(version.file) && isPipelinePath(version.file, dir));
  const pipelines = selection.validated.flatMap((change) => {
    const pipeline = selection.head.get(change.file)?.pipeline;
    return pipeline ? [{ file: change.file, pipeline }] : [];
  });
  const referenced = pipelines.flatMap(({ file }) => filesReferencedBy(selection.head.get(file) as ParsedBlob));
  // The pipeline files' own bytes are hashed too; one batched read brings them with their scripts.
  const contents = await source.readFiles(head, [...new Set([...pipelines.map(({ file }) => file), ...referenced])]);
  const read = (path: string) => {
    const repositoryPath = toRepositoryPath(path);
    return repositoryPath === undefined ? undefined : contents.get(repositoryPath);
  };
  const hashed = pipelines.map(({ file, pipeline }) => ({ pipeline: pipeline.name, file, version_hash: hashPipelineVersion(file, pipeline, read) }));
  return [...carried, ...hashed].sort((a, b) => (a.pipeline < b.pipeline ? -1 : a.pipeline > b.pipeline ? 1 : 0));
}
