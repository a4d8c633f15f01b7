import type { ValuePath } from '../../spec/locate.js';
import { scanTemplate } from '../../spec/template.js';
import { collectTasks, isRecord } from '../../spec/task-entries.js';
import { expandVariables } from '../checks/templates.js';
import type { Within } from '../context.js';
import { CONNECTION_URL, TEMPLATED_HOST_PORT, displayText, parseConnectionUrl, parseHostPort, type Target } from './target.js';

/** One connection written in the pipeline: where it is, and what to probe or why it is not probed. */
export interface ConnectionOccurrence {
  path: ValuePath;
  /** The text inside the value to point at. */
  within: Within;
  /** What was found: a target to probe, or a reason (safe to show) it is skipped. */
  found: { target: Target; viaVariables: boolean } | { skipped: string };
}

/**
 * Connection strings and URLs in `variables`, task `env` values and `http` task `url`s.
 * Variables are expanded first, so `{{ DB_URL }}` in an env value is checked with its value; a value
 * that is nothing but one pipeline variable is left to that variable, so it is reported once.
 */
export function findConnections(value: unknown): ConnectionOccurrence[] {
  const root = isRecord(value) ? value : {};
  const variables = isRecord(root.variables) ? root.variables : {};
  const occurrences: ConnectionOccurrence[] = [];
  const scan = (path: ValuePath, raw: unknown) => {
    if (typeof raw === 'string') occurrences.push(...findInString(raw, path, variables));
  };
  for (const [name, raw] of Object.entries(variables)) scan(['variables', name], raw);
  for (const entry of collectTasks(value)) {
    if (isRecord(entry.raw.env)) {
      for (const [key, raw] of Object.entries(entry.raw.env)) scan([...entry.path, 'env', key], raw);
    }
    if (entry.type === 'http') scan([...entry.path, 'url'], entry.raw.url);
  }
  return occurrences;
}

function findInString(raw: string, path: ValuePath, variables: Record<string, unknown>): ConnectionOccurrence[] {
  if (isOnlyVariable(raw, variables)) return [];
  const occurrences: ConnectionOccurrence[] = [];
  for (const token of tokenize(raw)) {
    const expanded = expandVariables(token.text, variables);
    const viaVariables = expanded !== token.text;
    const pointAt = (found: string) => {
      const inToken = token.text.indexOf(found);
      const needle = inToken === -1 ? token.text : found;
      const offset = token.start + Math.max(inToken, 0);
      return { needle, occurrence: countBefore(raw, needle, offset) };
    };
    const urls = [...expanded.matchAll(CONNECTION_URL)].map((match) => trimTrailingPunctuation(match[0]));
    if (urls.length > 0) {
      for (const url of urls) occurrences.push({ path: [...path], within: pointAt(url), found: classifyUrl(url, viaVariables) });
      continue;
    }
    // Broker lists and the like: `kafka-1.internal:9092,kafka-2.internal:9092`.
    for (const part of expanded.split(/[,;]/)) {
      if (part.includes('{{') && TEMPLATED_HOST_PORT.test(part)) {
        occurrences.push({ path: [...path], within: pointAt(part), found: { skipped: skipReason(part) } });
        continue;
      }
      const parsed = parseHostPort(part);
      if (parsed) occurrences.push({ path: [...path], within: pointAt(part), found: 'target' in parsed ? { target: parsed.target, viaVariables } : { skipped: parsed.problem } });
    }
  }
  return occurrences;
}

function classifyUrl(text: string, viaVariables: boolean): ConnectionOccurrence['found'] {
  if (text.includes('{{')) return { skipped: skipReason(text) };
  const parsed = parseConnectionUrl(text);
  return 'target' in parsed ? { target: parsed.target, viaVariables } : { skipped: parsed.problem };
}

/** Run-time templates (`env.*`, `secrets.*`, `ds`, …) and undefined names cannot be resolved while validating. */
function skipReason(text: string): string {
  const names = [...new Set(scanTemplate(text).map((part) => `\`{{ ${part.expression} }}\``))];
  return `\`${displayText(text)}\` needs ${names.join(', ')}, known only at run time, so it was not checked`;
}

/** Whitespace and quotes separate tokens, except inside `{{ … }}`. */
function tokenize(text: string): { text: string; start: number }[] {
  const tokens: { text: string; start: number }[] = [];
  let start = -1;
  for (let index = 0; index <= text.length; index++) {
    if (text.startsWith('{{', index)) {
      if (start === -1) start = index;
      const close = text.indexOf('}}', index + 2);
      index = close === -1 ? text.length : close + 1;
      continue;
    }
    const separator = index === text.length || /[\s"'`]/.test(text.charAt(index));
    if (separator && start !== -1) {
      tokens.push({ text: text.slice(start, index), start });
      start = -1;
    } else if (!separator && start === -1) {
      start = index;
    }
  }
  return tokens;
}

function isOnlyVariable(raw: string, variables: Record<string, unknown>): boolean {
  const parts = scanTemplate(raw);
  const [only] = parts;
  return parts.length === 1 && only !== undefined && raw.trim() === raw.slice(only.start, only.end) && only.ref.kind === 'variable' && only.ref.name in variables;
}

function trimTrailingPunctuation(url: string): string {
  // A sentence may end right after a URL; `}` is left alone because templates end with it.
  return url.replace(/[.,;:)\]]+$/, '');
}

function countBefore(text: string, needle: string, offset: number): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1 && at < offset; at = text.indexOf(needle, at + 1)) count++;
  return count;
}
