import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from '../../errors.js';

/** Environment variables that carry secrets: `ORCHESTRATE_SECRET_<NAME>` is `{{ secrets.NAME }}`. */
export const SECRET_ENV_PREFIX = 'ORCHESTRATE_SECRET_';

/** `--vars FILE`: a YAML or JSON mapping of variable names to scalar values. */
export function readVarsFile(file: string): Record<string, string> {
  const mapping = readMapping(file, '--vars', parseYamlText);
  return scalarValues(mapping, file, '--vars');
}

/**
 * Secrets: `ORCHESTRATE_SECRET_<NAME>` variables, then `--secrets-file FILE` (a YAML mapping or
 * `KEY=VALUE` lines) over them. Values are never printed; only names appear in errors.
 */
export function readSecrets(env: Readonly<Record<string, string | undefined>>, file?: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(SECRET_ENV_PREFIX) && name.length > SECRET_ENV_PREFIX.length && value !== undefined) secrets[name.slice(SECRET_ENV_PREFIX.length)] = value;
  }
  if (file) Object.assign(secrets, scalarValues(readMapping(file, '--secrets-file', parseSecretsText), file, '--secrets-file'));
  return secrets;
}

function readMapping(file: string, flag: string, parseText: (text: string) => unknown): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Could not read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = parseText(text);
  } catch (error) {
    // The parser's message may quote the file; for secrets, say only where.
    const detail = flag === '--secrets-file' ? '' : `: ${(error as Error).message}`;
    throw new UsageError(`${flag} ${file} is neither YAML nor JSON${detail}. Write a mapping such as \`NAME: value\`.`, { cause: error });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${flag} ${file} must hold a mapping of names to values (such as \`NAME: value\`), not a ${Array.isArray(parsed) ? 'list' : typeof parsed}.`);
  return parsed as Record<string, unknown>;
}

function scalarValues(mapping: Record<string, unknown>, file: string, flag: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(mapping)) {
    if (value === null || typeof value === 'object') throw new UsageError(`${flag} ${file}: \`${name}\` must be a string, number or boolean, not ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'a mapping'}.`);
    values[name] = String(value);
  }
  return values;
}

function parseYamlText(text: string): unknown {
  return parse(text, { maxAliasCount: 100 });
}

/** `KEY=VALUE` lines (comments and blank lines allowed) when every line is one, else YAML. */
function parseSecretsText(text: string): unknown {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const pair = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
  if (lines.length > 0 && lines.every((line) => pair.test(line))) {
    return Object.fromEntries(lines.map((line) => {
      const [, name, raw] = pair.exec(line) as RegExpExecArray;
      return [name, unquote((raw as string).trim())];
    }));
  }
  return parseYamlText(text);
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) return value.slice(1, -1);
  return value;
}
