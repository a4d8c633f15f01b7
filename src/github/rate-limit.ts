import type { Octokit } from '@octokit/rest';
import { TransientError } from '../errors.js';

/** How patiently a request waits out GitHub's rate limits before giving up. */
export interface RateLimitPolicy {
  /**
   * Retries of one request after a rate-limit answer.
   * @defaultValue 3
   */
  maxRetries: number;
  /**
   * The longest single wait; a limit that resets later fails at once with a TransientError.
   * @defaultValue 60000
   */
  maxWaitMs: number;
}

export const DEFAULT_RATE_LIMIT_POLICY = { maxRetries: 3, maxWaitMs: 60_000 } satisfies RateLimitPolicy;

interface ResponseError {
  status?: number;
  response?: { headers?: Record<string, string | number | undefined> };
}

/**
 * Makes every request of the client wait out a rate limit and retry: `Retry-After` (secondary
 * limits, 403 or 429) or `x-ratelimit-remaining: 0` with `x-ratelimit-reset` (the primary limit).
 */
export function retryOnRateLimit(octokit: Octokit, policy: RateLimitPolicy = DEFAULT_RATE_LIMIT_POLICY): void {
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const waitMs = rateLimitWait(error as ResponseError);
        if (waitMs === undefined) throw error;
        const what = `${options.method} ${options.url}`;
        if (attempt >= policy.maxRetries) throw new TransientError(`GitHub kept rate-limiting ${what} after ${policy.maxRetries} retries; try again later`, { cause: error });
        if (waitMs > policy.maxWaitMs) throw new TransientError(`GitHub rate-limited ${what} for ${Math.ceil(waitMs / 1000)}s, longer than the ${policy.maxWaitMs / 1000}s this client waits; try again later`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  });
}

/** How long GitHub asks us to wait, or undefined when the error is not a rate limit. */
export function rateLimitWait(error: ResponseError, now: number = Date.now()): number | undefined {
  if (error.status !== 403 && error.status !== 429) return undefined;
  const headers = error.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) return Math.max(0, retryAfter * 1000);
  if (String(headers['x-ratelimit-remaining']) === '0' && headers['x-ratelimit-reset'] !== undefined) {
    return Math.max(0, Number(headers['x-ratelimit-reset']) * 1000 - now);
  }
  return undefined;
}
