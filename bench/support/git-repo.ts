import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Files to write (string) or delete (null), by path inside the repository. */
export type FileChanges = Record<string, string | null>;

/** A real Git repository with deterministic commits: fixed author and dates, so SHAs repeat run to run. */
export interface GitFixture {
  path: string;
  /** Writes (string) or deletes (null) files, commits them, returns the SHA. */
  commit(files: FileChanges, message?: string): string;
  git(...args: string[]): string;
}

const AUTHOR = { name: 'Pipeline Author', email: 'author@example.com' };

/**
 * The caller's environment for Git commands on a fixture repository: no `GIT_*` variables (a
 * hook's `GIT_DIR` would send every command elsewhere), no system config, and a fixed author and
 * committer, so no commit depends on the machine's config.
 */
export function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_')) env[key] = value;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', HOME: env.HOME ?? '/tmp', GIT_AUTHOR_NAME: AUTHOR.name, GIT_AUTHOR_EMAIL: AUTHOR.email, GIT_COMMITTER_NAME: AUTHOR.name, GIT_COMMITTER_EMAIL: AUTHOR.email };
}

export function writeFiles(root: string, files: FileChanges): void {
  for (const [file, content] of Object.entries(files)) {
    const full = join(root, file);
    if (content === null) rmSync(full, { force: true });
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }
}

/**
 * A repository at `path` (created when missing) on branch `main`. Its Git commands run
 * synchronously: tests read best as straight lines of commits and assertions.
 */
export function makeGitRepo(path: string): GitFixture {
  mkdirSync(path, { recursive: true });
  const env = gitEnvironment();
  let commits = 0;
  const git = (...args: string[]) => {
    const date = `2026-01-${String(1 + (commits % 28)).padStart(2, '0')}T12:00:00Z`;
    return execFileSync('git', args, { cwd: path, encoding: 'utf8', env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } }).trim();
  };
  git('init', '--quiet', '--initial-branch=main');
  return {
    path,
    git,
    commit(files, message = `commit ${commits + 1}`) {
      writeFiles(path, files);
      git('add', '--all');
      git('commit', '--quiet', '--allow-empty', '-m', message);
      commits++;
      return git('rev-parse', 'HEAD');
    },
  };
}
