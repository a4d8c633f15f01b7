import { pino, type Logger } from 'pino';
import { sanitize, type RepositoryLocation } from '../../gitops/repository-location.js';
import { REDACT_PATHS, type LogLevel } from '../console/root-logger.js';

export type ControllerLogFormat = 'json' | 'text';

/**
 * The controller's root logger: one line per record, JSON lines or `time level message`. Every
 * line passes through `sanitize` before it is written, so a repository URL with credentials, or
 * the token, cannot reach the log whatever an error message carried.
 */
export function createControllerLogger(options: { format: ControllerLogFormat; level: LogLevel; out: NodeJS.WritableStream; location: Pick<RepositoryLocation, 'secrets'> }): Logger {
  const write = (line: string) => void options.out.write(options.format === 'json' ? sanitize(line, options.location) : sanitize(textLine(line), options.location));
  return pino({ level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { name: 'orchestrate-controller' } }, { write });
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function textLine(line: string): string {
  try {
    const record = JSON.parse(line) as { level: number; time?: number; msg?: string; err?: { message?: string } };
    const detail = record.err?.message && !record.msg?.includes(record.err.message) ? `: ${record.err.message}` : '';
    const time = new Date(record.time ?? Date.now()).toISOString();
    return `${time} ${LEVEL_NAMES[record.level] ?? 'log'} ${record.msg ?? ''}${detail}\n`;
  } catch {
    return line;
  }
}
