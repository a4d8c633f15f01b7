import { formatDuration } from '../../spec/quantities.js';
import { redactUrl } from './redact-url.js';

/** The outcome of one probe; `reason` says what failed in words a user can act on. */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET/;

/** Turns a socket error into what failed: DNS, refused, reset, unreachable, TLS, or the system's own words. */
export function describeNetworkError(error: unknown, host: string, port: number): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const where = `${host}:${port}`;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `DNS lookup of \`${host}\` failed (${code}); check the host name`;
    case 'ECONNREFUSED':
      return `connection to ${where} refused; nothing is listening there`;
    case 'ECONNRESET':
      return `${where} reset the connection`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${where} (${code})`;
    case 'ETIMEDOUT':
      return `connecting to ${where} timed out (${code})`;
  }
  if (code && TLS_CODE.test(code)) return `TLS handshake with ${where} failed: ${redactUrl(message)}`;
  return `${code ? `${code}: ` : ''}${redactUrl(message)}`;
}

export function describeTimeout(timeoutMs: number): string {
  return formatDuration(timeoutMs / 1000);
}
