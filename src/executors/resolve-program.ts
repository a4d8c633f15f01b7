import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export type ResolvedProgram = { ok: true; path: string } | { ok: false; reason: 'missing' | 'not-executable'; path?: string };

/**
 * Finds the file `program` names the way `execvp` would: a name with a slash is a path from
 * `cwd`, any other name is looked up on `searchPath`. Resolving before spawning lets a missing
 * or non-executable program come back as a start error even when the command is wrapped (cgroup,
 * prlimit), where the wrapper would otherwise turn it into an exit code 127. Empty PATH entries
 * are ignored, as the validator's `which` does.
 */
export function resolveProgram(program: string, searchPath: string, cwd: string): ResolvedProgram {
  if (program.includes('/')) return resolvePath(program, cwd);
  return withoutStat(search(program, searchPath));
}

/** A resolution that also keeps what `stat` said of the file found, to notice later changes. */
type Found = { ok: true; path: string; stat: Stats } | Extract<ResolvedProgram, { ok: false }>;

/** How long a cached lookup is trusted before PATH is searched again. */
const TRUST_MS = 1_000;
/** Distinct (name, PATH) pairs remembered; tasks use a handful, so a full cache just starts over. */
const MAX_ENTRIES = 256;

interface CachedProgram {
  path: string;
  stat: Stats;
  foundAt: number;
}

/**
 * `resolveProgram` with a memory, for the runner's hot path: a PATH search is one `stat` per
 * directory until the program turns up, and every task of a fan-out asks for the same `sh`.
 * A remembered bare name costs one `stat` of the file found: a program removed, replaced or
 * chmod-ed changes its inode, mode or ctime, and the name is searched again. A program newly installed
 * in an earlier PATH directory changes nothing we look at, so a lookup is trusted for one second
 * only, like a shell's `hash` table that forgets on its own. Paths with a slash are never cached.
 */
export class ProgramResolver {
  readonly #found = new Map<string, CachedProgram>();

  resolve(program: string, searchPath: string, cwd: string): ResolvedProgram {
    if (program.includes('/')) return resolvePath(program, cwd);
    const key = `${program}\0${searchPath}`;
    const now = performance.now();
    const cached = this.#found.get(key);
    if (cached && now - cached.foundAt < TRUST_MS && isUnchanged(cached)) return { ok: true, path: cached.path };
    const found = search(program, searchPath);
    if (!found.ok) {
      this.#found.delete(key);
      return found;
    }
    // A relative PATH entry depends on the working directory of the moment: not worth remembering.
    if (isAbsolute(found.path)) {
      if (this.#found.size >= MAX_ENTRIES) this.#found.clear();
      this.#found.set(key, { path: found.path, stat: found.stat, foundAt: now });
    }
    return withoutStat(found);
  }
}

/**
 * The file that passed `access(X_OK)` is still there as it was. Mode and owner are compared
 * besides ctime because ctime ticks coarsely on some kernels: a chmod right after the lookup
 * may leave it as it was.
 */
function isUnchanged(cached: CachedProgram): boolean {
  const now = statQuietly(cached.path);
  const then = cached.stat;
  return now !== undefined && now.ino === then.ino && now.dev === then.dev && now.mode === then.mode && now.uid === then.uid && now.gid === then.gid && now.ctimeMs === then.ctimeMs;
}

function resolvePath(program: string, cwd: string): ResolvedProgram {
  const found = check(resolve(cwd, program));
  return found ? withoutStat(found) : { ok: false, reason: 'missing' };
}

function search(program: string, searchPath: string): Found {
  let notExecutable: string | undefined;
  for (const directory of searchPath.split(delimiter)) {
    if (directory === '') continue;
    const found = check(join(directory, program));
    if (found?.ok) return found;
    if (found) notExecutable ??= found.path;
  }
  return notExecutable ? { ok: false, reason: 'not-executable', path: notExecutable } : { ok: false, reason: 'missing' };
}

function check(candidate: string): Found | undefined {
  const stat = statQuietly(candidate);
  if (!stat?.isFile()) return undefined;
  try {
    accessSync(candidate, constants.X_OK);
    return { ok: true, path: candidate, stat };
  } catch {
    return { ok: false, reason: 'not-executable', path: candidate };
  }
}

function withoutStat(found: Found): ResolvedProgram {
  return found.ok ? { ok: true, path: found.path } : found;
}

/** A missing entry is the common case on PATH, so it comes back as undefined, not as a thrown error. */
function statQuietly(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    // ENOTDIR (a PATH entry that is a file), EACCES: nothing runnable there either.
    return undefined;
  }
}
