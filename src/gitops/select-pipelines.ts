import { grepSearch, indexSearch, type CandidateSearch } from './candidate-search.js';
import { indexAfterChange, indexPipelines, readPipelines, type PipelineIndex } from './pipeline-index.js';
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
  /** The index at head, for the next selection from this commit: when there was no base, or the base's index was given. */
  index?: PipelineIndex;
}

/**
 * Picks the pipelines a change between `base` and `head` can affect: changed pipeline files,
 * pipelines referencing a changed file, and, transitively, pipelines depending on any of those
 * through `depends_on` or `requires`. With the base's index the head's follows from the diff and
 * answers those questions; without one, `git grep` narrows each step to the files that mention a
 * changed path or name. Either way the work follows the size of the change, and the result is the same.
 */
export interface SelectRequest {
  base?: string;
  head: string;
  pipelinesDir?: string;
  /** The index at `base` (under the same pipelines directory); ignored when it is of another commit. */
  baseIndex?: PipelineIndex;
  /** Told of each pipeline selected as added or changed as soon as it is, before the search for dependents. */
  onChanged?: (blob: ParsedBlob) => void;
}

export async function selectPipelines(source: Source, request: SelectRequest): Promise<Selection> {
  const dir = normalizeDir(request.pipelinesDir ?? 'pipelines');
  const head = new Map<string, ParsedBlob>();
  const base = new Map<string, ParsedBlob>();
  const readInto = async (sha: string, into: Map<string, ParsedBlob>, paths: readonly string[]) => {
    const missing = paths.filter((path) => !into.has(path));
    if (missing.length === 0) return;
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
    for (const [file, blob] of await readPipelines(source, request.head, dir)) head.set(file, blob);
    for (const file of head.keys()) select(file, 'all');
    return { validated: [...selected.values()], removed: [], head, base, index: indexPipelines(request.head, dir, head.values()) };
  }

  const changed = await source.diff(request.base, request.head);
  const pipelineChanges = changed.filter((file) => isPipelinePath(file.path, dir));
  const otherChanges = new Set(changed.filter((file) => !isPipelinePath(file.path, dir)).map((file) => file.path));
  await Promise.all([
    readInto(request.head, head, pipelineChanges.filter((file) => file.status !== 'deleted').map((file) => file.path)),
    readInto(request.base, base, pipelineChanges.filter((file) => file.status !== 'added').map((file) => file.path)),
  ]);
  const usable = request.baseIndex?.sha === request.base && request.baseIndex.pipelinesDir === dir ? request.baseIndex : undefined;
  const index = usable && indexAfterChange(usable, request.head, pipelineChanges, head);
  const search = index ? indexSearch(index) : grepSearch(source, request.head, dir);
  for (const file of pipelineChanges) if (file.status !== 'deleted') select(file.path, file.status === 'added' ? 'added' : 'changed');
  const removed = pipelineChanges.filter((file) => file.status === 'deleted').map((file) => ({ file: file.path, name: nameOf(base.get(file.path)), change: 'removed' as const }));

  if (otherChanges.size > 0) {
    const candidates = await search.referencing([...otherChanges]);
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
  await addDependents(search, upstream, (paths) => readInto(request.head, head, paths), (file) => linksOf(head.get(file)), select);
  const validated = [...selected.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
  return { validated, removed, head, base, ...(index ? { index } : {}) };
}

/**
 * Breadth first from the changed pipelines. A file found by an earlier round's search but not
 * selected then is checked again against each later round: a name already searched for is not
 * searched again, yet a later pipeline may carry it (a pipeline called like another's dataset).
 */
async function addDependents(
  search: CandidateSearch,
  upstream: PipelineLinks[],
  read: (paths: readonly string[]) => Promise<void>,
  linksAt: (file: string) => PipelineLinks,
  select: (file: string, change: ChangeKind, reason?: string) => boolean,
): Promise<void> {
  const searched = new Set<string>();
  const unselected = new Set<string>();
  let frontier = upstream;
  while (frontier.length > 0) {
    const needles = [...new Set(frontier.flatMap((links) => [...(links.name ? [links.name] : []), ...links.provides]))].filter((needle) => !searched.has(needle));
    for (const needle of needles) searched.add(needle);
    const found = needles.length > 0 ? await search.naming(needles) : [];
    await read(found);
    for (const file of found) unselected.add(file);
    const next: PipelineLinks[] = [];
    for (const file of [...unselected].sort()) {
      const links = linksAt(file);
      const reason = frontier.map((up) => dependencyReason(links, up)).find((candidate) => candidate !== undefined);
      if (reason === undefined) continue;
      unselected.delete(file);
      if (select(file, 'dependent', reason)) next.push(links);
    }
    frontier = next;
  }
}

function nameOf(blob: ParsedBlob | undefined): string | undefined {
  return linksOf(blob).name;
}
