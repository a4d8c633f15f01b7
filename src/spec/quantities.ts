/**
 * Value grammars of the pipeline format: durations, CPU and memory quantities.
 * Each parser returns either the value or a message that names the input and the fix,
 * so the validator can report it at the value's location.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/** Patterns also used by the JSON Schema, so editors flag the same values the validator does. */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h|d|w))+)$';
export const CPU_PATTERN = '^(auto([*]\\d+(\\.\\d+)?|[+]\\d+(\\.\\d+)?m?)?|\\d+(\\.\\d+)?m?)$';
export const MEMORY_PATTERN = '^(auto([*]\\d+(\\.\\d+)?|[+]\\d+(\\.\\d+)?([KMGTPE]i?)?)?|\\d+(\\.\\d+)?([KMGTPE]i?|k)?)$';

/** Parses `30s`, `10m`, `2h`, `1h30m`, `1.5h` or plain seconds (a number or a numeric string) into seconds. */
export function parseDuration(input: unknown): Parsed<number> {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0
      ? { ok: true, value: input }
      : { ok: false, message: `Expected a non-negative duration, got \`${input}\`` };
  }
  if (typeof input !== 'string') return { ok: false, message: `Expected a duration such as \`30s\`, \`10m\` or \`1h30m\`, got ${describe(input)}` };
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return { ok: true, value: Number(text) };
  let seconds = 0;
  let index = 0;
  DURATION_PART.lastIndex = 0;
  while (index < text.length) {
    DURATION_PART.lastIndex = index;
    const match = DURATION_PART.exec(text);
    if (!match) break;
    seconds += Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
    index = DURATION_PART.lastIndex;
  }
  if (index === 0 || index !== text.length) {
    return { ok: false, message: `Invalid duration \`${input}\`: use a number with a unit (ms, s, m, h, d, w) such as \`30s\`, \`10m\`, \`1h30m\`, or plain seconds` };
  }
  return { ok: true, value: seconds };
}

/** A resource request that may be `auto` (sized from history), optionally scaled or padded. */
export type Quantity = { kind: 'fixed'; value: number } | { kind: 'auto'; factor: number; add: number };

/** Parses CPU: `2`, `0.5`, `500m` (millicores), `auto`, `auto*1.2`, `auto+500m`. Value is in cores. */
export function parseCpu(input: unknown): Parsed<Quantity> {
  return parseQuantity(input, 'CPU', parseCores, '`2`, `0.5`, `500m`, `auto` or `auto*1.2`');
}

/** Parses memory or disk: `4Gi`, `8192Mi`, `512M`, plain bytes, `auto`, `auto*1.2`, `auto+2Gi`. Value is in bytes. */
export function parseMemory(input: unknown): Parsed<Quantity> {
  return parseQuantity(input, 'memory', parseBytes, '`4Gi`, `8192Mi`, `512M`, `auto` or `auto+2Gi`');
}

function parseQuantity(input: unknown, what: string, parseFixed: (text: string) => number | undefined, examples: string): Parsed<Quantity> {
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : undefined;
  const invalid = { ok: false as const, message: `Invalid ${what} quantity ${typeof input === 'string' ? `\`${input}\`` : describe(input)}: use ${examples}` };
  if (text === undefined || text === '') return invalid;
  if (text.startsWith('auto')) {
    const rest = text.slice(4);
    if (rest === '') return { ok: true, value: { kind: 'auto', factor: 1, add: 0 } };
    if (rest.startsWith('*') && /^\d+(\.\d+)?$/.test(rest.slice(1))) return { ok: true, value: { kind: 'auto', factor: Number(rest.slice(1)), add: 0 } };
    const add = rest.startsWith('+') ? parseFixed(rest.slice(1)) : undefined;
    return add === undefined ? invalid : { ok: true, value: { kind: 'auto', factor: 1, add } };
  }
  const value = parseFixed(text);
  return value === undefined || value < 0 ? invalid : { ok: true, value: { kind: 'fixed', value } };
}

function parseCores(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (!match) return undefined;
  return match[2] === 'm' ? Number(match[1]) / 1000 : Number(match[1]);
}

const BYTE_SUFFIXES: Record<string, number> = {
  '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

function parseBytes(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([kKMGTPE]i?)?$/.exec(text);
  if (!match) return undefined;
  const multiplier = BYTE_SUFFIXES[match[2] ?? ''];
  return multiplier === undefined ? undefined : Number(match[1]) * multiplier;
}

/** Renders bytes the way Kubernetes users read them (`4Gi`, `512Mi`). */
export function formatBytes(bytes: number): string {
  for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const size = BYTE_SUFFIXES[unit] as number;
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))}${unit}`;
  }
  return `${bytes}B`;
}

/** Renders seconds as `1h30m`, `45s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || '0s';
}

export function describe(value: unknown): string {
  if (value === null) return '`null`';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `\`${String(value)}\` (${typeof value})`;
}
