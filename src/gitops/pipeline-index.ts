import { linksOf, type PipelineLinks } from './pipeline-links.js';
import { filesReferencedBy, isPipelinePath, normalizeDir, parsePipelineBlob, type ParsedBlob } from './repository-paths.js';
import type { ChangedFile, Source } from './source.js';

/** What selection needs to know of one pipeline file, kept so the file is not read again. */
export interface IndexedPipeline {
  links: PipelineLinks;
  /** The repository paths it refers to, as `filesReferencedBy` gives them. */
  references: string[];
}

/**
 * Every pipeline file at one commit with its links and the files it refers to: enough to find a
 * change's dependents, and the pipelines referencing a changed file, without searching the tree.
 */
export interface PipelineIndex {
  sha: string;
  /** The pipelines directory it covers, normalized. */
  pipelinesDir: string;
  files: ReadonlyMap<string, IndexedPipeline>;
}

export function indexPipelines(sha: string, pipelinesDir: string, blobs: Iterable<ParsedBlob>): PipelineIndex {
  const files = new Map<string, IndexedPipeline>();
  for (const blob of blobs) files.set(blob.path, indexEntry(blob));
  return { sha, pipelinesDir: normalizeDir(pipelinesDir), files };
}

/**
 * The index at `head` from the one at `base.sha`. A pipeline file the diff does not name is byte
 * for byte what it was at base, and its links and references depend on its bytes alone, so only
 * the changed files need their blobs: `headBlobs` must hold every changed pipeline file present at head.
 */
export function indexAfterChange(base: PipelineIndex, head: string, changes: readonly ChangedFile[], headBlobs: ReadonlyMap<string, ParsedBlob>): PipelineIndex {
  const files = new Map(base.files);
  for (const change of changes) {
    if (!isPipelinePath(change.path, base.pipelinesDir)) continue;
    const blob = headBlobs.get(change.path);
    if (blob) files.set(change.path, indexEntry(blob));
    else files.delete(change.path);
  }
  return { sha: head, pipelinesDir: base.pipelinesDir, files };
}

/** Every pipeline file at `sha`, read in one batch and parsed. */
export async function readPipelines(source: Source, sha: string, pipelinesDir: string): Promise<Map<string, ParsedBlob>> {
  const dir = normalizeDir(pipelinesDir);
  const files = (await source.listFiles(sha, dir)).filter((path) => isPipelinePath(path, dir));
  const blobs = await source.readFiles(sha, files);
  return new Map([...blobs].map(([path, bytes]) => [path, parsePipelineBlob(path, bytes)]));
}

/** The index of `sha` from a read of all its pipeline files, for when no earlier index is at hand. */
export async function readPipelineIndex(source: Source, sha: string, pipelinesDir: string): Promise<PipelineIndex> {
  return indexPipelines(sha, pipelinesDir, (await readPipelines(source, sha, pipelinesDir)).values());
}

function indexEntry(blob: ParsedBlob): IndexedPipeline {
  return { links: linksOf(blob), references: filesReferencedBy(blob) };
}
