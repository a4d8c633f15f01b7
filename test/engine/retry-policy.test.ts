import { describe, expect, it } from 'vitest';
import type { AttemptResult } from '../../src/executors/executor.js';
import { effectiveRetry, isRetryable, retryDefaultsFromConfig, retryDelayMs } from '../../src/engine/retry-policy.js';
import { CONFIG_DEFAULTS } from '../../src/config/config.js';

describe('effectiveRetry', () => {
  const cases: { name: string; task: Parameters<typeof effectiveRetry>[0]; pipeline?: Parameters<typeof effectiveRetry>[1]; defaults?: Parameters<typeof effectiveRetry>[2]; want: Partial<ReturnType<typeof effectiveRetry>> }[] = [
    { name: 'absent: the built-in defaults', task: undefined, want: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 30_000, maxDelayMs: 600_000 } },
    { name: 'false: one attempt whatever the policy', task: false, pipeline: { max_attempts: 5 }, want: { maxAttempts: 1 } },
    { name: 'true: the pipeline policy', task: true, pipeline: { max_attempts: 5, initial_delay: '1m' }, want: { maxAttempts: 5, initialDelayMs: 60_000, maxDelayMs: 600_000 } },
    { name: 'configuration defaults under the pipeline policy', task: true, pipeline: { initial_delay: '2s' }, defaults: { max_attempts: 4, backoff: 'linear', max_delay: '1m' }, want: { maxAttempts: 4, backoff: 'linear', initialDelayMs: 2_000, maxDelayMs: 60_000 } },
    { name: 'a task mapping over everything', task: { max_attempts: 2, backoff: 'constant' }, pipeline: { max_attempts: 5, initial_delay: '10s' }, defaults: { max_attempts: 9 }, want: { maxAttempts: 2, backoff: 'constant', initialDelayMs: 10_000 } },
    { name: 'an undefined field does not hide the level below', task: { max_attempts: undefined }, pipeline: { max_attempts: 6 }, want: { maxAttempts: 6 } },
    { name: 'non-retryable exit codes from the task', task: { non_retryable_exit_codes: [2, 64] }, want: { nonRetryableExitCodes: new Set([2, 64]) } },
  ];
  it.each(cases)('$name', ({ task, pipeline, defaults, want }) => {
    expect(effectiveRetry(task, pipeline, defaults)).toMatchObject(want);
  });

  it('reads the configuration keys', () => {
    expect(effectiveRetry(undefined, undefined, retryDefaultsFromConfig({ ...CONFIG_DEFAULTS, 'retry.max_attempts': 7, 'retry.initial_delay': '5s' }))).toMatchObject({ maxAttempts: 7, initialDelayMs: 5_000, backoff: 'exponential' });
  });
});

describe('retryDelayMs', () => {
  const policy = effectiveRetry({ initial_delay: '10s', max_delay: '1m' }, undefined);
  const cases: { name: string; attempt: number; random: number; want: number }[] = [
    { name: 'first retry, no jitter', attempt: 1, random: 0.5, want: 10_000 },
    { name: 'doubles each attempt', attempt: 3, random: 0.5, want: 40_000 },
    { name: 'capped at max_delay', attempt: 5, random: 0.5, want: 60_000 },
    { name: 'jitter low end is -25 %', attempt: 1, random: 0, want: 7_500 },
    { name: 'jitter high end is +25 %', attempt: 2, random: 1, want: 25_000 },
    { name: 'jitter applies after the cap', attempt: 9, random: 1, want: 75_000 },
  ];
  it.each(cases)('$name', ({ attempt, random, want }) => {
    expect(retryDelayMs(policy, attempt, () => random)).toBe(want);
  });

  it('linear and constant backoff', () => {
    expect(retryDelayMs(effectiveRetry({ backoff: 'linear', initial_delay: '10s' }, undefined), 3, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(effectiveRetry({ backoff: 'constant', initial_delay: '10s' }, undefined), 3, () => 0.5)).toBe(10_000);
  });
});

describe('isRetryable', () => {
  const policy = effectiveRetry({ non_retryable_exit_codes: [2] }, undefined);
  const result = (fields: Partial<AttemptResult>): AttemptResult => ({ exitCode: null, signal: null, timedOut: false, cancelled: false, durationMs: 1, ...fields });
  const cases: { name: string; result: AttemptResult; retry: boolean; reason: string }[] = [
    { name: 'a failing exit code', result: result({ exitCode: 1 }), retry: true, reason: 'exit code 1' },
    { name: 'a listed exit code', result: result({ exitCode: 2 }), retry: false, reason: 'exit code 2 is listed as not retryable' },
    { name: 'a timeout', result: result({ timedOut: true, signal: 'SIGTERM' }), retry: true, reason: 'timed out' },
    { name: 'a signal', result: result({ signal: 'SIGKILL' }), retry: true, reason: 'killed by SIGKILL' },
    { name: 'a cancellation', result: result({ cancelled: true, signal: 'SIGTERM' }), retry: false, reason: 'cancelled' },
    { name: 'a start error', result: result({ startError: 'python3 is not on PATH' }), retry: false, reason: 'python3 is not on PATH' },
  ];
  it.each(cases)('$name', ({ result: attempt, retry, reason }) => {
    expect(isRetryable(attempt, policy)).toEqual({ retry, reason });
  });
});
