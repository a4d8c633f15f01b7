import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { DEFAULT_API_URL, parseRepository, type RepositoryRef } from './github-client.js';

/** What the controller needs to talk to GitHub. Secrets come from the environment or files, never from pipeline files. */
export interface GithubSettings {
  webhookSecret: string;
  token: string;
  repository: RepositoryRef;
  apiUrl: string;
}

/**
 * Each secret from `NAME` or from the file named by `NAME_FILE` (a mounted secret), e.g.
 * `ORCHESTRATE_GITHUB_WEBHOOK_SECRET_FILE=/run/secrets/webhook`; the file's trailing newline is dropped.
 */
export function loadGithubSettings(env: NodeJS.ProcessEnv = process.env): GithubSettings {
  return {
    webhookSecret: readSecret(env, 'ORCHESTRATE_GITHUB_WEBHOOK_SECRET', 'the secret entered in the repository\'s webhook settings'),
    token: readSecret(env, 'ORCHESTRATE_GITHUB_TOKEN', 'a token with checks, statuses and pull-requests write access'),
    repository: parseRepository(env.ORCHESTRATE_GITHUB_REPOSITORY, 'ORCHESTRATE_GITHUB_REPOSITORY'),
    apiUrl: env.ORCHESTRATE_GITHUB_API_URL ?? env.GITHUB_API_URL ?? DEFAULT_API_URL,
  };
}

function readSecret(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct && file) throw new UsageError(`Both ${name} and ${name}_FILE are set; keep one`);
  if (direct) return direct;
  if (!file) throw new UsageError(`${name} is not set: set it (or ${name}_FILE, a file holding it) to ${what}`);
  let value: string;
  try {
    value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new UsageError(`Could not read ${name}_FILE (${file}): ${(error as Error).message}`, { cause: error });
  }
  if (!value) throw new UsageError(`${name}_FILE (${file}) is empty; write ${what} into it`);
  return value;
}
