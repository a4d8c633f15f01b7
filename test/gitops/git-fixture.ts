import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const AUTHOR = { name: 'Pipeline Author', email: 'author@example.com' };

/** A real Git repository with deterministic commits: fixed author and dates, so SHAs repeat run to run. */
export interface GitFixture {
  path: string;
  /** Writes (string) or deletes (null) files, commits them, returns the SHA. */
  commit(files: Record<string, string | null>, message?: string): string;
  git(...args: string[]): string;
}

export function makeGitRepo(path: string): GitFixture {
  mkdirSync(path, { recursive: true });
  let commits = 0;
  const git = (...args: string[]) => {
    const date = `2026-01-${String(1 + (commits % 28)).padStart(2, '0')}T12:00:00Z`;
    return execFileSync('git', args, {
      cwd: path,
      encoding: 'utf8',
      env: { ...cleanEnv(), GIT_AUTHOR_NAME: AUTHOR.name, GIT_AUTHOR_EMAIL: AUTHOR.email, GIT_COMMITTER_NAME: AUTHOR.name, GIT_COMMITTER_EMAIL: AUTHOR.email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    }).trim();
  };
  git('init', '--quiet', '--initial-branch=main');
  return {
    path,
    git,
    commit(files, message = `commit ${commits + 1}`) {
      for (const [file, content] of Object.entries(files)) {
        const full = join(path, file);
        if (content === null) rmSync(full, { force: true });
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, content);
        }
      }
      git('add', '--all');
      git('commit', '--quiet', '--allow-empty', '-m', message);
      commits++;
      return git('rev-parse', 'HEAD');
    },
  };
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_')) env[key] = value;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', HOME: env.HOME ?? '/tmp' };
}

/** A pipeline of one task running a referenced script: v1 and v2 of the tests differ only in the script. */
export function scriptPipeline(name: string, options: { script?: string; top?: string } = {}): string {
  return `version: "2.1"
name: ${name}
${options.top ?? ''}stages:
  - name: main
    tasks:
      - name: write
        type: node_script
        script: ${options.script ?? `scripts/${name}.js`}
`;
}

/** A script that writes one letter to `out.txt` in the task's `OUTPUT_DIR`. */
export function writeLetter(letter: string): string {
  return `require('node:fs').writeFileSync(require('node:path').join(process.env.OUTPUT_DIR ?? '.', 'out.txt'), ${JSON.stringify(letter)});\n`;
}
