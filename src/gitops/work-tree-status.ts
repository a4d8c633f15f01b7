import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { locateRepository } from './repository-location.js';
import { openGit } from './git-env.js';

/** What a run from a Git work tree records and checks before it starts. */
export interface WorkTreeStatus {
  /** The work tree's top-level directory. */
  top: string;
  /** HEAD's commit; undefined in a repository with no commit yet. */
  sha?: string;
  /**
   * Of the paths asked about, those HEAD does not hold as they are: modified, staged, untracked
   * or ignored, relative to `top`; then those outside the work tree, absolute.
   */
  dirty: string[];
}

/**
 * The state of `paths` (relative to `dir`) in the Git work tree that holds `dir`, or undefined
 * when `dir` is not in one. Ignored files count as dirty: HEAD's SHA would not pin them either.
 */
export async function readWorkTreeStatus(dir: string, paths: readonly string[]): Promise<WorkTreeStatus | undefined> {
  const git = await openGit(dir, locateRepository(dir));
  let top: string;
  try {
    top = (await git.revparse(['--show-toplevel'])).trim();
  } catch {
    return undefined;
  }
  let sha: string | undefined;
  try {
    sha = (await git.revparse(['--verify', '--quiet', 'HEAD^{commit}'])).trim() || undefined;
  } catch {
    sha = undefined;
  }
  // A path outside the work tree is not pinned by HEAD either (and git refuses it as a pathspec).
  // Git reports `top` with symlinks resolved, so `dir` is resolved the same way.
  const real = await realpath(dir);
  const absolute = paths.map((path) => resolve(real, path));
  const outside = absolute.filter((path) => !isInside(top, path));
  const inside = absolute.filter((path) => isInside(top, path)).map((path) => `:(top,literal)${relative(top, path)}`);
  const output = inside.length === 0 ? '' : await git.raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=traditional', '--', ...inside]);
  return { top, ...(sha ? { sha } : {}), dirty: [...dirtyPaths(output), ...outside] };
}

function isInside(top: string, path: string): boolean {
  const fromTop = relative(top, path);
  return fromTop !== '' && !fromTop.startsWith('..') && !isAbsolute(fromTop);
}

/** Paths from `git status --porcelain=v1 -z`: `XY path`, a rename adding its source as the next entry. */
function dirtyPaths(output: string): string[] {
  const entries = output.split('\0').filter((entry) => entry !== '');
  const paths = new Set<string>();
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index] as string;
    paths.add(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') paths.add(entries[++index] as string);
  }
  return [...paths].sort();
}
