import type { PipelineIndex } from './pipeline-index.js';
import { isPipelinePath } from './repository-paths.js';
import type { Source } from './source.js';

/**
 * Where selection looks, at head, for the pipeline files a change may reach. Each answer is a
 * superset of the files that really do, sorted by path; selection reads and checks them itself,
 * so both searches select exactly the same pipelines.
 */
export interface CandidateSearch {
  /** Pipeline files that may refer to one of these repository paths. */
  referencing(paths: readonly string[]): Promise<string[]>;
  /** Pipeline files that may name one of these pipelines or datasets in `depends_on` or `requires`. */
  naming(names: readonly string[]): Promise<string[]>;
}

/** `git grep` over the pipelines directory: reads every blob there, but needs nothing computed before. */
export function grepSearch(source: Source, sha: string, dir: string): CandidateSearch {
  const grep = async (needles: readonly string[]) => (await source.grepFiles(sha, dir, needles)).filter((path) => isPipelinePath(path, dir));
  return {
    // A path as a pipeline wrote it (`./scripts/a.py`) still ends in the name Git knows.
    referencing: (paths) => grep(paths.map((path) => path.split('/').pop() ?? path)),
    naming: grep,
  };
}

/** Lookups in the head's index: no process, no blob read. */
export function indexSearch(index: PipelineIndex): CandidateSearch {
  const matching = (test: (references: string[], dependencies: string[]) => boolean) =>
    [...index.files]
      .filter(([, entry]) => test(entry.references, [...entry.links.dependsOn, ...entry.links.requires]))
      .map(([file]) => file)
      .sort();
  return {
    referencing: async (paths) => {
      const wanted = new Set(paths);
      return matching((references) => references.some((path) => wanted.has(path)));
    },
    naming: async (names) => {
      const wanted = new Set(names);
      return matching((_references, dependencies) => dependencies.some((name) => wanted.has(name)));
    },
  };
}
