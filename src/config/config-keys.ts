import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { didYouMean, suggest } from '../validate/suggest.js';
import { configFile, type ConfigFile } from './config.js';

/** What a leaf of the configuration file holds, read off the schema so the two never disagree. */
export interface ConfigKeyInfo {
  /** Dotted, as `config set --key` and `config show` spell it. */
  key: string;
  kind: 'string' | 'integer' | 'number' | 'boolean' | 'enum';
  /** For `enum`: the allowed values. */
  values?: readonly string[];
}

export type ValueType = 'string' | 'int' | 'bool' | 'float' | 'json';

type Schema = z.core.$ZodType & { def: { type: string }; unwrap?: () => Schema; shape?: Record<string, Schema>; options?: readonly string[]; format?: string | null };

/** Every key the file accepts, in the schema's order. */
export function listConfigKeys(): ConfigKeyInfo[] {
  const keys: ConfigKeyInfo[] = [];
  const walk = (schema: Schema, prefix: string) => {
    const inner = schema.def.type === 'optional' && schema.unwrap ? schema.unwrap() : schema;
    const type = inner.def.type;
    if (type === 'object' && inner.shape) {
      for (const [name, child] of Object.entries(inner.shape)) walk(child, prefix ? `${prefix}.${name}` : name);
    } else if (type === 'enum') {
      keys.push({ key: prefix, kind: 'enum', values: inner.options ?? [] });
    } else if (type === 'number') {
      keys.push({ key: prefix, kind: inner.format === 'safeint' ? 'integer' : 'number' });
    } else {
      keys.push({ key: prefix, kind: type === 'boolean' ? 'boolean' : 'string' });
    }
  };
  walk(configFile as unknown as Schema, '');
  return keys;
}

/** The key's description, or a usage error with the closest key (by spelling, or by its last part: `redis_url` → `state.redis_url`). */
export function findConfigKey(key: string): ConfigKeyInfo {
  const keys = listConfigKeys();
  const found = keys.find((info) => info.key === key);
  if (found) return found;
  const names = keys.map((info) => info.key);
  const last = key.split('.').at(-1) ?? key;
  const sameLeaf = names.find((name) => name.split('.').at(-1) === last);
  const hint = sameLeaf !== undefined ? `; did you mean \`${sameLeaf}\`?` : didYouMean(key, names) || leafHint(last, names);
  throw new UsageError(`Unknown configuration key \`${key}\`${hint} Known keys: ${names.join(', ')}.`);
}

function leafHint(last: string, names: readonly string[]): string {
  const byLeaf = new Map(names.map((name) => [name.split('.').at(-1) as string, name]));
  const leaf = suggest(last, byLeaf.keys());
  return leaf === undefined ? '' : `; did you mean \`${byLeaf.get(leaf) as string}\`?`;
}

/** Turns `--value` into the type `--type` names, or the key's own type when none is given. */
export function parseConfigValue(info: ConfigKeyInfo, raw: string, type?: ValueType): unknown {
  const wanted: ValueType = type ?? (info.kind === 'integer' ? 'int' : info.kind === 'number' ? 'float' : info.kind === 'boolean' ? 'bool' : 'string');
  const fail = (expected: string): never => {
    throw new UsageError(`Expected --value for \`${info.key}\` to be ${expected}, got \`${raw}\`.`);
  };
  switch (wanted) {
    case 'string':
      return raw;
    case 'int':
      return /^-?\d+$/.test(raw.trim()) && Number.isSafeInteger(Number(raw)) ? Number(raw) : fail('a whole number such as `3`');
    case 'float':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : fail('a number such as `2.5`');
    case 'bool':
      if (/^(true|yes|on|1)$/i.test(raw)) return true;
      if (/^(false|no|off|0)$/i.test(raw)) return false;
      return fail('`true` or `false`');
    case 'json':
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return fail('JSON such as `"text"`, `3` or `true`');
      }
  }
}

/** A copy of the file with the key set, checked against the schema as a whole. */
export function setConfigKey(file: ConfigFile, info: ConfigKeyInfo, value: unknown): ConfigFile {
  const copy = structuredClone(file) as Record<string, unknown>;
  const parts = info.key.split('.');
  let node = copy;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = (node[part] = next !== null && typeof next === 'object' ? next : {}) as Record<string, unknown>;
  }
  node[parts.at(-1) as string] = value;
  const result = configFile.safeParse(copy);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || info.key}: ${issue.message}`).join('; ');
    const allowed = info.kind === 'enum' ? ` Allowed: ${(info.values ?? []).join(', ')}.` : '';
    throw new UsageError(`Invalid value ${JSON.stringify(value)} for \`${info.key}\` (${problems}).${allowed}`);
  }
  return result.data;
}
