import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTempDir } from '../../helpers/temp-dir.js';

export interface TempRepo extends Disposable {
  path: string;
  /** Writes (or, with `null`, deletes) files and commits them; returns the new commit's SHA. */
  commit(files: Record<string, string | null>, message?: string): string;
  git(...args: string[]): string;
}

/** A real Git repository in a temporary directory, with a fixed identity so commits need no global config. */
export function makeTempRepo(): TempRepo {
  const dir = makeTempDir('orchestrate-gh-repo-');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir.path, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' } }).trim();
  git('init', '-q', '-b', 'main');
  return {
    path: dir.path,
    git,
    commit(files, message = 'change') {
      for (const [file, content] of Object.entries(files)) {
        const target = join(dir.path, file);
        if (content === null) rmSync(target, { force: true });
        else {
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, content);
        }
      }
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    [Symbol.dispose]: () => dir[Symbol.dispose](),
  };
}
