import { isIP } from 'node:net';
import { redactUrl } from './redact-url.js';

export type TargetKind = 'postgresql' | 'redis' | 'http' | 'tcp';

/** One endpoint to probe. Nothing in it holds credentials, so it may be shown and logged. */
export interface Target {
  kind: TargetKind;
  /** Host name or IP address, IPv6 without brackets. */
  host: string;
  port: number;
  /** `rediss://` and `https://`. */
  tls: boolean;
  /** For HTTP: the URL to send HEAD to, without credentials, query or fragment. */
  url?: string;
  /** How messages name it: scheme, host, port and path, never `user:pass@` or a query. */
  display: string;
  /** Targets with the same key are probed once. */
  key: string;
}

const SCHEMES: Record<string, { kind: TargetKind; port: number; tls: boolean }> = {
  'postgresql:': { kind: 'postgresql', port: 5432, tls: false },
  'postgres:': { kind: 'postgresql', port: 5432, tls: false },
  'redis:': { kind: 'redis', port: 6379, tls: false },
  'rediss:': { kind: 'redis', port: 6379, tls: true },
  'http:': { kind: 'http', port: 80, tls: false },
  'https:': { kind: 'http', port: 443, tls: true },
};

/** A URL with one of the schemes probed, written anywhere in a string. */
export const CONNECTION_URL = /\b(?:postgres(?:ql)?|rediss?|https?):\/\/(?:\{\{[^}]*\}\}|[^\s"'<>`])*/gi;

/**
 * A bare `host:port`. Hosts must look like hosts (`localhost`, an IP, or a dotted name ending in a
 * label that starts with a letter) so times (`10:30`) and image tags (`python:3`) are not probed.
 */
const HOST_PORT = /^(localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\]|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*):(\d{1,5})$/i;

/** The same, with templates allowed in the host: something to skip with a note rather than ignore. */
export const TEMPLATED_HOST_PORT = /^(?:\{\{[^}]*\}\}|[a-z0-9.-])+:\d{1,5}$/i;

export type ParsedTarget = { target: Target } | { problem: string };

/** Parses a connection URL; the problem, when there is one, is safe to show. */
export function parseConnectionUrl(text: string): ParsedTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `\`${displayText(text)}\` is not a valid URL, so it was not checked` };
  }
  const scheme = SCHEMES[url.protocol.toLowerCase()];
  if (!scheme) return { problem: `\`${displayText(text)}\` has a scheme that is not checked` };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') return { problem: `\`${displayText(text)}\` names no host (a Unix socket?), so it was not checked` };
  const port = url.port === '' ? scheme.port : Number(url.port);
  if (port < 1) return { problem: `\`${displayText(text)}\` has port 0, which nothing listens on, so it was not checked` };
  const shownHost = url.host;
  const path = url.pathname === '/' ? '' : url.pathname;
  const display = `${url.protocol}//${shownHost}${path}`;
  const target: Target = { kind: scheme.kind, host, port, tls: scheme.tls, display, key: `${scheme.kind}|${scheme.tls}|${host}|${port}` };
  if (scheme.kind === 'http') target.url = `${url.protocol}//${shownHost}${url.pathname}`;
  return { target };
}

/** Parses a bare `host:port`; undefined when the text is not one. */
export function parseHostPort(text: string): ParsedTarget | undefined {
  const match = HOST_PORT.exec(text);
  if (!match) return undefined;
  const host = (match[1] as string).replace(/^\[|\]$/g, '');
  if (host.includes(':') && isIP(host) !== 6) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return { problem: `\`${text}\` has port ${port}, outside 1-65535, so it was not checked` };
  return { target: { kind: 'tcp', host, port, tls: false, display: text, key: `tcp|false|${host}|${port}` } };
}

/** Text for messages about something that could not be parsed: no credentials, no query. */
export function displayText(text: string): string {
  return redactUrl(text).replace(/[?#][\s\S]*$/, '');
}
