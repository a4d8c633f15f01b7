import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A real Git repository the benchmarks commit to, with a fixed author so nothing depends on the machine's config. */
export interface BenchRepo {
  path: string;
  /** Writes (string) or deletes (null) files, commits them, returns the SHA. */
  commit(files: Record<string, string | null>, message: string): Promise<string>;
  git(...args: string[]): Promise<string>;
}

export async function makeBenchRepo(path: string): Promise<BenchRepo> {
  mkdirSync(path, { recursive: true });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
  const git = async (...args: string[]) => (await run('git', args, { cwd: path, env, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
  await git('init', '--quiet', '--initial-branch=main');
  return {
    path,
    git,
    async commit(files, message) {
      for (const [file, content] of Object.entries(files)) {
        const full = join(path, file);
        if (content === null) rmSync(full, { force: true });
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, content);
        }
      }
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}
