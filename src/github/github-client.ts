import { Octokit } from '@octokit/rest';
import { UsageError } from '../errors.js';
import { DEFAULT_RATE_LIMIT_POLICY, retryOnRateLimit, type RateLimitPolicy } from './rate-limit.js';

export const DEFAULT_API_URL = 'https://api.github.com';

/** The repository a client acts on, as GitHub's REST paths name it. */
export interface RepositoryRef {
  owner: string;
  repo: string;
}

export interface GithubClientOptions {
  /** A token with `checks: write`, `statuses: write` and `pull-requests: write` (the Actions `github.token` has them). */
  token: string;
  /**
   * REST API root; GitHub Enterprise Server is `https://HOST/api/v3`.
   * @defaultValue `GITHUB_API_URL`, else `https://api.github.com`
   */
  baseUrl?: string;
  /** @defaultValue DEFAULT_RATE_LIMIT_POLICY */
  rateLimit?: RateLimitPolicy;
}

/** The one Octokit the action and the controller share: Enterprise-ready base URL, rate limits waited out. */
export function createGithubClient(options: GithubClientOptions): Octokit {
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? process.env.GITHUB_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, ''),
    userAgent: 'auto-orchestrator',
    // Octokit logs every failed request at warn level; the callers report failures themselves.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  retryOnRateLimit(octokit, options.rateLimit ?? DEFAULT_RATE_LIMIT_POLICY);
  return octokit;
}

/** `owner/name` (as in `GITHUB_REPOSITORY`) to its parts, with an error that names where it came from. */
export function parseRepository(value: string | undefined, source: string): RepositoryRef {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value ?? '');
  if (!match) throw new UsageError(`${source} must be "owner/name", got ${JSON.stringify(value ?? '')}; set it to the repository, for example "octo-org/pipelines"`);
  return { owner: match[1] as string, repo: match[2] as string };
}
