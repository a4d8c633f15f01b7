import { spawn } from 'node:child_process';
import type { Redis } from 'ioredis';
import type { LocalExecutor } from '../../src/executors/local-executor.js';
import { percentile } from '../measure.js';

/**
 * The floors every engine figure is divided by, measured in the same run: what starting a
 * process and talking to Redis cost on this machine before the engine adds anything.
 */

export interface LatencyFloor {
  p50Ms: number;
  p99Ms: number;
  samples: number;
}

export interface SpawnFloor extends LatencyFloor {
  /** p50 of the synchronous `spawn()` call alone: Node returns once the child has exec'd, and the engine waits that long. */
  callP50Ms: number;
}

/**
 * Spawns `/bin/true` and waits for its exit, with the options the local process runner uses
 * (own process group, stdout and stderr piped), so the floor pays what every task pays.
 */
export function spawnTrue(): Promise<{ callMs: number }> {
  return new Promise((resolve, reject) => {
    const called = performance.now();
    const child = spawn('/bin/true', [], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const callMs = performance.now() - called;
    child.once('error', reject);
    child.once('exit', () => resolve({ callMs }));
  });
}

/** Sequential spawn+exit of `/bin/true`: one process at a time, like the steps of a chain. */
export async function measureSpawnLatency(count: number, warmup = 20): Promise<SpawnFloor> {
  for (let index = 0; index < warmup; index++) await spawnTrue();
  const samples: number[] = [];
  const calls: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    calls.push((await spawnTrue()).callMs);
    samples.push(performance.now() - start);
  }
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), samples: count, callP50Ms: percentile(calls, 50) };
}

/** Processes per second with `concurrency` of them in flight at all times, as a fan-out runs them. */
export async function measureSpawnThroughput(count: number, concurrency: number): Promise<{ perSecond: number; wallMs: number }> {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      await spawnTrue();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - start;
  return { perSecond: (count / wallMs) * 1000, wallMs };
}

/** PING round trips one after another on the client given (the store's own connection). */
export async function measureRedisPing(redis: Redis, count: number, warmup = 50): Promise<LatencyFloor> {
  for (let index = 0; index < warmup; index++) await redis.ping();
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await redis.ping();
    samples.push(performance.now() - start);
  }
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), samples: count };
}

/**
 * Sequential `sh -c true` attempts through the local executor alone (no engine, no store):
 * what the executor adds to a bare spawn (its cgroup, its `/proc` sampling, its pipes).
 */
export async function measureExecutorLatency(executor: LocalExecutor, cwd: string, count: number, warmup = 10): Promise<LatencyFloor> {
  for (let index = 0; index < warmup; index++) await runTrueAttempt(executor, cwd, index);
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await runTrueAttempt(executor, cwd, index);
    samples.push(performance.now() - start);
  }
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), samples: count };
}

/** Attempts per second through the local executor alone with `concurrency` in flight: B2's floor without the engine. */
export async function measureExecutorThroughput(executor: LocalExecutor, cwd: string, count: number, concurrency: number): Promise<{ perSecond: number }> {
  let started = 0;
  const worker = async () => {
    while (started < count) await runTrueAttempt(executor, cwd, started++);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: (count / (performance.now() - start)) * 1000 };
}

async function runTrueAttempt(executor: LocalExecutor, cwd: string, index: number): Promise<void> {
  const io = { signal: new AbortController().signal, onLine: () => undefined };
  const result = await executor.start({ executionId: 'bench', taskId: `floor.t${index}`, attempt: 1, type: 'shell', command: ['sh', '-c', 'true'], env: {}, cwd, secrets: [] }, io).result;
  if (result.exitCode !== 0) throw new Error(`\`sh -c true\` failed through the local executor: ${result.startError ?? `exit ${String(result.exitCode)}`}`);
}
