import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parse } from 'yaml';
import { UsageError } from '../../errors.js';
import { parseDuration } from '../../spec/quantities.js';
import { commaList, positiveInteger } from '../options.js';

/** Environment variables that carry secrets: `ORCHESTRATE_SECRET_<NAME>` is `{{ secrets.NAME }}`. */
export const SECRET_ENV_PREFIX = 'ORCHESTRATE_SECRET_';

/** Adds the options of `LaunchFlags` (pipeline-execute-run.ts), worded the same for every command that runs a pipeline. */
export function addLaunchOptions(command: Command): Command {
  return command
    .option('--vars <file>', 'variable overrides: a YAML or JSON mapping')
    .option('--env <key=value>', 'override a variable and set `{{ env.KEY }}` (repeatable)', envPair)
    .option('--secrets-file <file>', 'values for `{{ secrets.NAME }}`: a YAML mapping or KEY=VALUE lines (also ORCHESTRATE_SECRET_<NAME>)')
    .option('--timeout <duration>', 'cancel the execution after this long (2h, 30m); it ends failed with reason timeout', durationSeconds)
    .addOption(new Option('--priority <level>', 'dispatch priority').choices(['low', 'normal', 'high', 'critical']).default('normal'))
    .option('--trace-id <id>', 'trace id recorded with the execution (default: a new UUID)')
    .addOption(new Option('--log-format <format>', 'console output (default: text, coloured on a terminal)').choices(['json', 'text', 'colored']))
    .option('--skip-tasks <list>', 'comma-separated tasks to record as skipped (`task` or `stage.task`)', commaList)
    .option('--parallel <n>', 'run at most N tasks at once (under the pipeline\'s max_concurrent)', positiveInteger)
    .option('--ds <date>', 'logical date YYYY-MM-DD (default: today, UTC)', logicalDate)
    .option('--workdir <dir>', 'work directory for state, logs, artifacts, outputs and checkouts (ORCHESTRATION_WORKDIR; default .orchestration)')
    .addOption(new Option('--state <backend>', 'state store (default: file, or redis when REDIS_URL is set)').choices(['file', 'redis']))
    .option('--redis-url <url>', 'Redis URL for --state redis (REDIS_URL)');
}

/** `--env K=V`, repeatable; a later pair wins. */
export function envPair(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/s.exec(value);
  if (!match) throw new InvalidArgumentError(`Expected KEY=VALUE such as \`BATCH_SIZE=500\`, got \`${value}\`.`);
  return { ...previous, [match[1] as string]: match[2] as string };
}

/** `--timeout 2h`: seconds. */
export function durationSeconds(value: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok || parsed.value <= 0) throw new InvalidArgumentError(`Expected a duration such as \`30m\`, \`2h\` or \`90s\`, got \`${value}\`.`);
  return parsed.value;
}

/** `--ds 2024-01-15`: a real calendar date. */
export function logicalDate(value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError(`Expected a date as YYYY-MM-DD such as \`2024-01-15\`, got \`${value}\`.`);
  }
  return value;
}

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
