import { formatDuration } from '../../spec/quantities.js';
import type { FileValidation } from '../validate-pipeline.js';
import { findConnections, type ConnectionOccurrence } from './find-connections.js';
import { redactUrl } from './redact-url.js';
import { runProbes, type ProbeLimits } from './run-probes.js';
import type { Target } from './target.js';

/** Options of `--check-connections`. */
export interface ConnectionCheckOptions {
  /** Each probe gives up after this long, in milliseconds. @defaultValue 3000 */
  timeoutMs?: number;
  /** All probes together stop after this long, in milliseconds. @defaultValue 10000 */
  totalTimeoutMs?: number;
  /** Probes in flight at once. @defaultValue 32 */
  concurrency?: number;
}

export const DEFAULT_CONNECTION_CHECK = { timeoutMs: 3000, totalTimeoutMs: 10_000, concurrency: 32 } satisfies ProbeLimits;

const PROTOCOL_NAMES: Record<Target['kind'], string> = { postgresql: 'PostgreSQL', redis: 'Redis', http: 'HTTP', tcp: 'TCP' };

/**
 * `--check-connections`: probes every connection string and URL of the validated files, each
 * distinct target once, and reports the unreachable ones at the value that holds them.
 * Messages show targets without `user:pass@`, query or fragment.
 */
export async function checkConnections(files: readonly FileValidation[], options: ConnectionCheckOptions = {}): Promise<void> {
  const limits: ProbeLimits = { ...DEFAULT_CONNECTION_CHECK, ...definedOnly(options) };
  const found: { file: FileValidation; occurrence: ConnectionOccurrence }[] = [];
  for (const file of files) {
    if (!file.context) continue;
    for (const occurrence of findConnections(file.context.source.value)) found.push({ file, occurrence });
  }
  const targets = new Map<string, Target>();
  for (const { occurrence } of found) {
    if ('target' in occurrence.found && !targets.has(occurrence.found.target.key)) targets.set(occurrence.found.target.key, occurrence.found.target);
  }
  const results = await runProbes([...targets.values()], limits);

  for (const { file, occurrence } of found) {
    const context = file.context;
    if (!context) continue;
    const at = { within: occurrence.within };
    if ('skipped' in occurrence.found) {
      context.report('connections/skipped', occurrence.path, redactUrl(occurrence.found.skipped), at);
      continue;
    }
    const { target, viaVariables } = occurrence.found;
    const result = results.get(target.key);
    const shown = `\`${target.display}\`${viaVariables ? ' (after expanding variables)' : ''}`;
    if (!result) {
      context.report('connections/skipped', occurrence.path, `${shown} was not checked: connection checks stopped after ${formatDuration(limits.totalTimeoutMs / 1000)} in total`, at);
    } else if (!result.ok) {
      context.report('connections/unreachable', occurrence.path, redactUrl(`${shown} is unreachable (${PROTOCOL_NAMES[target.kind]}): ${result.reason}`), at);
    }
  }
}

function definedOnly(options: ConnectionCheckOptions): Partial<ProbeLimits> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
