import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SimpleGit } from 'simple-git';
import { TransientError } from '../errors.js';
import { sanitize, type RepositoryLocation } from './repository-location.js';

/** Variables this module sets for git; simple-git refuses any other `GIT_*` one. */
const OWN_VARIABLES = ['GIT_TERMINAL_PROMPT', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0', 'GIT_INDEX_FILE'];
/** Programs git could be made to start; never needed for fetching and reading, and simple-git refuses them. */
const DROPPED = new Set(['EDITOR', 'VISUAL', 'PAGER', 'PREFIX', 'SSH_ASKPASS']);

/**
 * The environment git runs with: no ambient `GIT_*` (a `GIT_DIR` from the caller would point
 * git at the wrong repository), never a prompt, and the credentials as an `http.extraHeader`
 * passed through the environment, so they are neither in argv (visible in `ps`) nor in any config file.
 */
export function gitEnvironment(location: RepositoryLocation, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.toUpperCase().startsWith('GIT_') && !DROPPED.has(key.toUpperCase())) env[key] = value;
  env.GIT_TERMINAL_PROMPT = '0';
  if (location.authHeader) {
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = 'http.extraHeader';
    env.GIT_CONFIG_VALUE_0 = location.authHeader;
  }
  return { ...env, ...extra };
}

/**
 * A simple-git instance working in `baseDir` with the environment above. `workTree` permits
 * `--work-tree`, which simple-git guards because it redirects writes: only for a path we chose.
 * simple-git is loaded on first use: most commands reach git only through `runSilentGit` and the
 * mirror's long-lived processes, and a rollback never needs it (about 100 KB less to compile).
 */
export async function openGit(baseDir: string, location: RepositoryLocation, extra: Record<string, string> = {}, workTree = false): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  const unsafe = { allowUnsafeConfigPaths: workTree, allowUnsafeConfigEnvCount: location.authHeader !== undefined };
  return simpleGit({ baseDir, allowEnvironment: OWN_VARIABLES, unsafe, maxConcurrentProcesses: 4 }).env(gitEnvironment(location, extra));
}

/** Wraps a git failure into an error whose message names the step and the repository, credentials stripped. */
export function gitFailure(step: string, location: RepositoryLocation, error: unknown): TransientError {
  const detail = sanitize(String((error as Error)?.message ?? error).trim(), location);
  return new TransientError(`${step} failed for ${sanitize(location.display, location)}: ${detail}`, { cause: new Error(detail) });
}

const execFileAsync = promisify(execFile);

/**
 * Runs a git command that prints nothing when it succeeds (`fetch --quiet`, `update-ref`,
 * `read-tree`, `checkout-index`), with the same environment as `openGit`. simple-git 4 waits
 * 50 ms after every process that wrote nothing to stdout or stderr before it calls it done (its
 * completion plugin, whatever it is configured with), which would add 50 ms to each of these
 * on the way to every deployment. Arguments are ours, with `--` before anything user-given.
 */
export async function runSilentGit(baseDir: string, location: RepositoryLocation, args: readonly string[], extra: Record<string, string> = {}): Promise<void> {
  try {
    await execFileAsync('git', args, { cwd: baseDir, env: gitEnvironment(location, extra), maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failure = error as Error & { stderr?: string };
    throw new Error(failure.stderr?.trim() || failure.message);
  }
}
