import { pino, type Logger } from 'pino';

export type LogFormat = 'json' | 'text' | 'colored';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Fields that may carry credentials, censored by pino before a record is written. Fixed here,
 * never taken from user input, so a pipeline cannot switch redaction off. Secret values in
 * messages are masked before they reach the logger (the engine's redactor).
 */
export const REDACT_PATHS = [
  'env',
  '*.env',
  'secrets',
  '*.secrets',
  'headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'connection',
  '*.connection',
];

/**
 * The one root logger of a CLI run. JSON lines go to `json`'s stream (stdout, so a pipe gets
 * nothing else); in text formats the logger only carries the orchestrator's own warnings and
 * errors, written as plain `warning: …` lines to stderr.
 */
export function createRootLogger(options: { format: LogFormat; level: LogLevel; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Logger {
  const base = { level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { name: 'orchestrate' } };
  if (options.format === 'json') return pino(base, { write: (line: string) => void options.stdout.write(line) });
  return pino({ ...base, level: options.level === 'debug' ? 'debug' : 'warn' }, { write: (line: string) => void options.stderr.write(humanLine(line)) });
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

function humanLine(line: string): string {
  try {
    const record = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
    const detail = record.err?.message && record.err.message !== record.msg ? `: ${record.err.message}` : '';
    return `${LEVEL_NAMES[record.level] ?? 'log'}: ${record.msg ?? ''}${detail}\n`;
  } catch {
    return line;
  }
}
