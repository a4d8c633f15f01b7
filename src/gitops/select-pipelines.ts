import { linksOf, dependencyReason, type PipelineLinks } from './pipeline-links.js';
import { filesReferencedBy, isPipelinePath, normalizeDir, parsePipelineBlob, type ParsedBlob } from './repository-paths.js';
import type { Source } from './source.js';

/** Why a pipeline is in a repository validation. */
export type ChangeKind = 'added' | 'changed' | 'removed' | 'dependent' | 'all';

export interface PipelineChange {
  /** Repository path of the pipeline file. */
  file: string;
  /** The pipeline's `name` (at head; at base for a removed one) when the file has one. */
  name?: string;
  change: ChangeKind;
  /** For `changed` through a referenced file, and for `dependent`: what links it to the change. */
  reason?: string;
}

/** What a repository validation looks at, with the blobs already read so nothing is read twice. */
export interface Selection {
  /** Pipelines validated at head: every kind but `removed`, ordered by file. */
  validated: PipelineChange[];
  removed: PipelineChange[];
  /** Pipeline files read at head and at base, by path. */
  head: Map<string, ParsedBlob>;
  base: Map<string, ParsedBlob>;
}

/**
 * Picks the pipelines a change between `base` and `head` can affect: changed pipeline files,
 * pipelines referencing a changed file, and, transitively, pipelines depending on any of those
 * through `depends_on` or `requires`. `git grep` narrows each step to the files that mention a
 * changed path or name, so the work follows the size of the change, not of the repository.
 */
export interface SelectRequest {
  base?: string;
  head: string;
  pipelinesDir?: string;
  /** Told of each pipeline selected as added or changed as soon as it is, before the search for dependents. */
  onChanged?: (blob: ParsedBlob) => void;
}

export async function selectPipelines(source: Source, request: SelectRequest): Promise<Selection> {
  const dir = normalizeDir(request.pipelinesDir ?? 'pipelines');
  const head = new Map<string, ParsedBlob>();
  const base = new Map<string, ParsedBlob>();
  const readInto = async (sha: string, into: Map<string, ParsedBlob>, paths: readonly string[]) => {
    const missing = paths.filter((path) => !into.has(path));
    const blobs = await source.readFiles(sha, missing);
    for (const [path, bytes] of blobs) into.set(path, parsePipelineBlob(path, bytes));
  };
  const selected = new Map<string, PipelineChange>();
  const select = (file: string, change: ChangeKind, reason?: string): boolean => {
    if (selected.has(file)) return false;
    const blob = head.get(file);
    selected.set(file, { file, name: nameOf(blob), change, ...(reason ? { reason } : {}) });
    if (blob && (change === 'added' || change === 'changed' || change === 'all')) request.onChanged?.(blob);
    return true;
  };

  if (request.base === undefined) {
    const files = (await source.listFiles(request.head, dir)).filter((path) => isPipelinePath(path, dir));
    await readInto(request.head, head, files);
    for (const file of files) select(file, 'all');
    return { validated: [...selected.values()], removed: [], head, base };
  }

  const changed = await source.diff(request.base, request.head);
  const pipelineChanges = changed.filter((file) => isPipelinePath(file.path, dir));
  const otherChanges = new Set(changed.filter((file) => !isPipelinePath(file.path, dir)).map((file) => file.path));
  await readInto(request.head, head, pipelineChanges.filter((file) => file.status !== 'deleted').map((file) => file.path));
  await readInto(request.base, base, pipelineChanges.filter((file) => file.status !== 'added').map((file) => file.path));
  for (const file of pipelineChanges) if (file.status !== 'deleted') select(file.path, file.status === 'added' ? 'added' : 'changed');
  const removed = pipelineChanges.filter((file) => file.status === 'deleted').map((file) => ({ file: file.path, name: nameOf(base.get(file.path)), change: 'removed' as const }));

  if (otherChanges.size > 0) {
    const needles = [...otherChanges].map((path) => path.split('/').pop() ?? path);
    const candidates = (await source.grepFiles(request.head, dir, needles)).filter((path) => isPipelinePath(path, dir));
    await readInto(request.head, head, candidates);
    for (const file of candidates) {
      const blob = head.get(file);
      const hit = blob && filesReferencedBy(blob).find((path) => otherChanges.has(path));
      if (hit) select(file, 'changed', `references \`${hit}\``);
    }
  }

  // What the change touches upstream: names and datasets before and after, so renaming a
  // pipeline or dropping a dataset reaches the pipelines that still ask for the old one.
  const upstream: PipelineLinks[] = [...selected.keys()].map((file) => linksOf(head.get(file)));
  for (const file of pipelineChanges) if (file.status !== 'added') upstream.push(linksOf(base.get(file.path)));
  await addDependents(source, request.head, dir, upstream, head, readInto, select);
  return { validated: [...selected.values()].sort((a, b) => (a.file < b.file ? -1 : 1)), removed, head, base };
}

async function addDependents(
  source: Source,
  sha: string,
  dir: string,
  upstream: PipelineLinks[],
  head: Map<string, ParsedBlob>,
  readInto: (sha: string, into: Map<string, ParsedBlob>, paths: readonly string[]) => Promise<void>,
  select: (file: string, change: ChangeKind, reason?: string) => boolean,
): Promise<void> {
  const searched = new Set<string>();
  let frontier = upstream;
  while (frontier.length > 0) {
    const needles = [...new Set(frontier.flatMap((links) => [...(links.name ? [links.name] : []), ...links.provides]))].filter((needle) => !searched.has(needle));
    if (needles.length === 0) break;
    for (const needle of needles) searched.add(needle);
    const candidates = (await source.grepFiles(sha, dir, needles)).filter((path) => isPipelinePath(path, dir));
    await readInto(sha, head, candidates);
    const next: PipelineLinks[] = [];
    for (const file of candidates) {
      const links = linksOf(head.get(file));
      const reason = frontier.map((up) => dependencyReason(links, up)).find((found) => found !== undefined);
      if (reason !== undefined && select(file, 'dependent', reason)) next.push(links);
    }
    frontier = next;
  }
}

function nameOf(blob: ParsedBlob | undefined): string | undefined {
  return linksOf(blob).name;
}
