import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { gitEnvironment, writeFiles, type FileChanges } from '../support/git-repo.js';

const run = promisify(execFile);

/** A real Git repository the benchmarks commit to; commands run asynchronously, beside the servers a benchmark measures. */
export interface BenchRepo {
  path: string;
  /** Writes (string) or deletes (null) files, commits them, returns the SHA. */
  commit(files: FileChanges, message: string): Promise<string>;
  git(...args: string[]): Promise<string>;
}

/** Commits carry the wall-clock time: a benchmark makes hundreds, in the order they happen. */
export async function makeBenchRepo(path: string): Promise<BenchRepo> {
  mkdirSync(path, { recursive: true });
  const env = gitEnvironment();
  const git = async (...args: string[]) => (await run('git', args, { cwd: path, env, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
  await git('init', '--quiet', '--initial-branch=main');
  return {
    path,
    git,
    async commit(files, message) {
      writeFiles(path, files);
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}
