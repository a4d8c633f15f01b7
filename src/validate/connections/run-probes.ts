import type { ProbeResult } from './network-error.js';
import { probeHttp } from './probe-http.js';
import { probeSocket, type ProbeOptions } from './probe-socket.js';
import { postgresHello, redisHello } from './protocol-hellos.js';
import type { Target } from './target.js';

export interface ProbeLimits {
  /** Each probe gives up after this long, in milliseconds. */
  timeoutMs: number;
  /** All probes together stop after this long; unfinished ones have no result. */
  totalTimeoutMs: number;
  /** Probes in flight at once, so a pipeline with hundreds of URLs does not open hundreds of sockets. */
  concurrency: number;
}

/** Probes one target the way its scheme asks: TCP connect, a PostgreSQL or Redis hello, or HTTP HEAD. */
export function probeTarget(target: Target, options: ProbeOptions): Promise<ProbeResult | undefined> {
  switch (target.kind) {
    case 'postgresql':
      return probeSocket(target, options, postgresHello(target, options.timeoutMs));
    case 'redis':
      return probeSocket(target, options, redisHello(target, options.timeoutMs));
    case 'http':
      return probeHttp(target.url ?? `${target.tls ? 'https' : 'http'}://${target.display}`, target.host, target.port, options);
    case 'tcp':
      return probeSocket(target, options);
  }
}

/**
 * Probes every target once, in parallel up to `concurrency`, within `totalTimeoutMs`.
 * A target missing from the result was cut off by the total bound. Nothing is left open.
 */
export async function runProbes(targets: readonly Target[], limits: ProbeLimits): Promise<Map<string, ProbeResult>> {
  const results = new Map<string, ProbeResult>();
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(), limits.totalTimeoutMs);
  let next = 0;
  const worker = async () => {
    while (next < targets.length && !stop.signal.aborted) {
      const target = targets[next++] as Target;
      const result = await probeTarget(target, { timeoutMs: limits.timeoutMs, signal: stop.signal });
      if (result) results.set(target.key, result);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limits.concurrency, targets.length)) }, worker));
  } finally {
    clearTimeout(deadline);
  }
  return results;
}
