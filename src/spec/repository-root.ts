import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The root that relative paths in a pipeline resolve against: the Git work tree holding
 * the file (found by its `.git` entry, without spawning git), else the current directory.
 */
export function findRepositoryRoot(path: string, fallback: string = process.cwd()): string {
  let directory = resolve(path);
  if (existsSync(directory) && !statSync(directory).isDirectory()) directory = dirname(directory);
  for (;;) {
    if (existsSync(resolve(directory, '.git'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) return resolve(fallback);
    directory = parent;
  }
}
