import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '../errors.js';
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
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  if (readdirSync(target).length > 0) throw new UsageError(`Workspace ${target} is not empty; each execution checks out into its own new directory`);
  const index = join(mirror, `orchestrate-index-${randomUUID()}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    await runSilentGit(mirror, location, ['read-tree', sha], env);
    await runSilentGit(mirror, location, ['--work-tree', target, 'checkout-index', '--all', '--force'], env);
  } catch (error) {
    throw gitFailure(`Checking out ${sha}`, location, error);
  } finally {
    rmSync(index, { force: true });
  }
  await makeReadOnly(target);
}

/** Tasks read their workspace and write to their own output directory; the workspace stays as committed. */
export async function makeReadOnly(dir: string): Promise<void> {
  await run('chmod', ['-R', 'a-w', '--', dir]);
}

/** Gives the owner write access back, so a finished workspace can be removed. */
export async function makeWritable(dir: string): Promise<void> {
  await run('chmod', ['-R', 'u+w', '--', dir]);
}
