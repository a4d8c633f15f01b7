import { parseDuration } from '../spec/quantities.js';
import type { RetryPolicy } from '../spec/schema/task.js';
import type { AttemptResult } from '../executors/executor.js';
import type { ResolvedConfig } from '../config/config.js';

export interface EffectiveRetry {
  maxAttempts: number;
  backoff: 'exponential' | 'linear' | 'constant';
  initialDelayMs: number;
  maxDelayMs: number;
  nonRetryableExitCodes: ReadonlySet<number>;
}

/** Configuration defaults (seed: 3 attempts, exponential, 30 s, at most 10 min). */
export const DEFAULT_RETRY = { max_attempts: 3, backoff: 'exponential', initial_delay: '30s', max_delay: '10m' } satisfies RetryPolicy;

/** The configuration's `retry.*` keys as a policy, to pass as an execution's `retryDefaults`. */
export function retryDefaultsFromConfig(config: Pick<ResolvedConfig, 'retry.max_attempts' | 'retry.backoff' | 'retry.initial_delay' | 'retry.max_delay'>): RetryPolicy {
  return { max_attempts: config['retry.max_attempts'], backoff: config['retry.backoff'], initial_delay: config['retry.initial_delay'], max_delay: config['retry.max_delay'] };
}

/**
 * `retry: false` → one attempt; `true` or absent → the pipeline's `retry_policy` over the
 * configuration's defaults over `DEFAULT_RETRY`; a mapping → its fields over all of those.
 * A field left undefined at one level never hides the level below.
 */
export function effectiveRetry(taskRetry: boolean | RetryPolicy | undefined, pipelinePolicy: RetryPolicy | undefined, defaults?: RetryPolicy): EffectiveRetry {
  const merged: RetryPolicy = { ...DEFAULT_RETRY, ...defined(defaults), ...defined(pipelinePolicy), ...(typeof taskRetry === 'object' ? defined(taskRetry) : {}) };
  const seconds = (value: string | number | undefined, fallback: number) => {
    const parsed = parseDuration(value ?? fallback);
    return parsed.ok ? parsed.value * 1000 : fallback * 1000;
  };
  return {
    maxAttempts: taskRetry === false ? 1 : Math.max(1, merged.max_attempts ?? 1),
    backoff: merged.backoff ?? 'exponential',
    initialDelayMs: seconds(merged.initial_delay, 30),
    maxDelayMs: seconds(merged.max_delay, 600),
    nonRetryableExitCodes: new Set(merged.non_retryable_exit_codes ?? []),
  };
}

function defined(policy: RetryPolicy | undefined): RetryPolicy {
  return Object.fromEntries(Object.entries(policy ?? {}).filter(([, value]) => value !== undefined));
}

/** Delay before attempt `attempt + 1`, with ±25 % jitter so retries of many tasks spread out. */
export function retryDelayMs(policy: EffectiveRetry, attempt: number, random: () => number = Math.random): number {
  const base = policy.backoff === 'constant' ? policy.initialDelayMs : policy.backoff === 'linear' ? policy.initialDelayMs * attempt : policy.initialDelayMs * 2 ** (attempt - 1);
  const capped = Math.min(base, policy.maxDelayMs);
  return Math.max(0, Math.round(capped + capped * 0.25 * (random() * 2 - 1)));
}

/**
 * The one place that decides whether a failed attempt may be retried, so failure
 * classification can plug in here later. Cancellation and start errors are never retried.
 */
export function isRetryable(result: AttemptResult, policy: EffectiveRetry): { retry: boolean; reason: string } {
  if (result.cancelled) return { retry: false, reason: 'cancelled' };
  if (result.startError) return { retry: false, reason: result.startError };
  if (result.timedOut) return { retry: true, reason: 'timed out' };
  if (result.signal) return { retry: true, reason: `killed by ${result.signal}` };
  if (result.exitCode !== null && policy.nonRetryableExitCodes.has(result.exitCode)) return { retry: false, reason: `exit code ${result.exitCode} is listed as not retryable` };
  return { retry: true, reason: `exit code ${result.exitCode}` };
}
