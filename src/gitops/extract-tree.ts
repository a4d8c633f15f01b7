import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { InternalError, UsageError } from '../errors.js';
import { gitFailure, runSilentGit } from './git-env.js';
import type { RepositoryLocation } from './repository-location.js';

const run = promisify(execFile);

/**
 * Writes the tree at `sha` into `dir` through a throw-away index (`read-tree` + `checkout-index`),
 * then removes every write bit. Measured against `git archive | tar -x` on 1,000 pipelines and
 * 1,000 scripts: the same time (about 0.1 s each), but `archive` honours `export-ignore` and
 * `export-subst` from `.gitattributes`, which would hand a task a tree that differs from the commit.
 * A private index keeps concurrent checkouts from the same mirror apart.
 */
export async function extractTree(mirror: string, location: RepositoryLocation, sha: string, dir: string): Promise<void> {
  const index = join(mirror, `orchestrate-index-${randomUUID()}`);
  try {
    await checkOutThrough(mirror, location, sha, newDirectory(dir), index);
  } finally {
    rmSync(index, { force: true });
  }
}

/**
 * Brings `dir`, a read-only tree checked out by an earlier call with the same `index` file, to
 * `sha`: a one-way `read-tree -m -u` writes, adds and removes only the files that differ (the
 * `changed` paths, from the diff of the commit the tree holds to `sha`), so the cost follows the
 * diff, not the repository; only the directories those files are in are made writable meanwhile.
 * Without `index` yet, `dir` (created, must be empty) is checked out whole. Either way `dir` ends
 * read-only and `index` describes it. Git refuses the update when a file was written since (its
 * stat data no longer matches `index`): between calls, leave `dir` alone.
 */
export async function updateTree(mirror: string, location: RepositoryLocation, sha: string, dir: string, index: string, changed?: readonly string[]): Promise<void> {
  const env = { GIT_INDEX_FILE: resolve(index) };
  if (!existsSync(env.GIT_INDEX_FILE)) {
    await checkOutThrough(mirror, location, sha, newDirectory(dir), env.GIT_INDEX_FILE);
    // Written in the same second as its files, the index would leave every entry "racily clean":
    // git would read all of them again on the next update, as costly as checking out anew.
    // Nothing writes to the tree before that update, so dating the index after its files is true.
    const later = new Date(Date.now() + 2_000);
    utimesSync(env.GIT_INDEX_FILE, later, later);
    return;
  }
  if (!changed) throw new InternalError(`Updating ${dir} to ${sha} needs the files that changed since the commit it holds`);
  const target = resolve(dir);
  try {
    // Making the tree read-only changed every file's ctime, and nothing else: git need not compare it.
    const update = () => runSilentGit(mirror, location, ['-c', 'core.trustctime=false', '--work-tree', target, 'read-tree', '-m', '-u', sha], env);
    await withWritableParents(target, changed, update);
  } catch (error) {
    throw gitFailure(`Updating a checkout to ${sha}`, location, error);
  }
}

/** Writes the tree at `sha` into the empty `target` through the index file `index`, then makes it read-only. */
async function checkOutThrough(mirror: string, location: RepositoryLocation, sha: string, target: string, index: string): Promise<void> {
  const env = { GIT_INDEX_FILE: index };
  try {
    await runSilentGit(mirror, location, ['read-tree', sha], env);
    // `-u` records each file's stat data in the index, which an update compares against.
    await runSilentGit(mirror, location, ['--work-tree', target, 'checkout-index', '--all', '--force', '-u'], env);
  } catch (error) {
    throw gitFailure(`Checking out ${sha}`, location, error);
  }
  await makeReadOnly(target);
}

/**
 * Runs `work`, which writes, adds and removes `paths` in the read-only tree `root`, with write
 * access to the directories holding them; then those paths and directories are read-only again.
 * Directories are checked from the top down with `lstat`, so a symbolic link in the tree is never
 * followed out of it (as `chmod -R` never does).
 */
async function withWritableParents(root: string, paths: readonly string[], work: () => Promise<void>): Promise<void> {
  const parents = new Set<string>(['']);
  for (const path of paths) for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) parents.add(path.slice(0, slash));
  const topDown = [...parents].sort((a, b) => a.split('/').length - b.split('/').length);
  const before = realDirectories(root, topDown);
  for (const dir of before) chmodSync(join(root, dir), lstatSync(join(root, dir)).mode | 0o200);
  try {
    await work();
  } finally {
    const after = realDirectories(root, topDown);
    for (const path of paths) {
      const full = join(root, path);
      if (!after.has(parentOf(path)) || !existsSync(full)) continue;
      const stats = lstatSync(full);
      if (!stats.isSymbolicLink()) chmodSync(full, stats.mode & ~0o222);
    }
    for (const dir of after) chmodSync(join(root, dir), lstatSync(join(root, dir)).mode & ~0o222);
  }
}

/** Those of `dirs` (relative, parents before children) that are directories reached through directories only. */
function realDirectories(root: string, dirs: readonly string[]): Set<string> {
  const real = new Set<string>();
  for (const dir of dirs) {
    if (dir !== '' && !real.has(parentOf(dir))) continue;
    const stats = lstatSync(join(root, dir), { throwIfNoEntry: false });
    if (stats?.isDirectory()) real.add(dir);
  }
  return real;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** Tasks read their workspace and write to their own output directory; the workspace stays as committed. */
export async function makeReadOnly(dir: string): Promise<void> {
  await run('chmod', ['-R', 'a-w', '--', dir]);
}

/** Gives the owner write access back, so a finished workspace can be removed. */
export async function makeWritable(dir: string): Promise<void> {
  await run('chmod', ['-R', 'u+w', '--', dir]);
}

/** `dir`, created when missing, as an absolute path; refused unless empty. */
function newDirectory(dir: string): string {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  if (readdirSync(target).length > 0) throw new UsageError(`Workspace ${target} is not empty; each execution checks out into its own new directory`);
  return target;
}

/** Removes a checked-out tree, read-only or not; nothing to do when it is gone. */
export async function removeTree(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  await makeWritable(dir);
  rmSync(dir, { recursive: true, force: true });
}
