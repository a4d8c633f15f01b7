import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');
/** What `orchestrate` runs (package.json `bin`): the bundle `npm run build` writes. */
export const CLI = join(PROJECT_ROOT, 'dist', 'cli', 'orchestrate.mjs');
/** The same CLI as tsc compiled it, module by module: for tests of what a command loads. */
export const UNBUNDLED_CLI = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `orchestrate` CLI as a user would (build first: `npm run build`). */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; cli?: string } = {}): CliResult {
  const cli = options.cli ?? CLI;
  if (!existsSync(cli)) throw new Error(`${cli} is missing; run \`npm run build\` before the tests`);
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
