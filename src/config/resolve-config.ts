import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../errors.js';
import { CONFIG_DEFAULTS, CONFIG_ENV, configFile, type ConfigFile, type ConfigKey, type ConfigOrigin, type ResolvedConfig } from './config.js';

export interface ResolveConfigOptions {
  /** Values from command-line flags, by dotted key; undefined entries are ignored. */
  flags?: Partial<Record<ConfigKey, unknown>>;
  /** @defaultValue process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** @defaultValue process.cwd() */
  cwd?: string;
}

export interface LoadedConfig {
  config: ResolvedConfig;
  /** Where each key's value came from, for `config show --show-origin`. */
  origins: Record<ConfigKey, ConfigOrigin>;
  /** The configuration file read, when one exists. */
  file?: string;
}

/** `AUTO_ORCHESTRATOR_CONFIG_PATH`, else `$XDG_CONFIG_HOME/auto-orchestrator/config.yaml`. */
export function configFilePath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.AUTO_ORCHESTRATOR_CONFIG_PATH) return resolve(env.AUTO_ORCHESTRATOR_CONFIG_PATH);
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'auto-orchestrator', 'config.yaml');
}

/** Flattens the file's nested mapping to dotted keys. */
export function flattenConfig(file: ConfigFile): Partial<ResolvedConfig> {
  const flat: Record<string, unknown> = {};
  const walk = (value: unknown, prefix: string) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, prefix ? `${prefix}.${key}` : key);
    } else if (value !== undefined) {
      flat[prefix] = value;
    }
  };
  walk(file, '');
  return flat as Partial<ResolvedConfig>;
}

export function readConfigFile(path: string): ConfigFile {
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(path, 'utf8'), { maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new UsageError(`Could not read the configuration file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const result = configFile.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ');
    throw new UsageError(`The configuration file ${path} is invalid: ${problems}. Fix it, or run \`orchestrate config init --force\`.`);
  }
  return result.data;
}

/** Parses an environment value to the type its key holds. */
function fromEnv(key: ConfigKey, raw: string): unknown {
  if (key === 'dry_run') return /^(1|true|yes|on)$/i.test(raw);
  if (key === 'log.level') {
    const level = raw.toLowerCase().replace(/^warning$/, 'warn');
    if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new UsageError(`Expected ORCHESTRATION_LOG_LEVEL to be DEBUG, INFO, WARNING or ERROR, got \`${raw}\``);
    return level;
  }
  return raw;
}

/** Resolves every setting once, at start-up: defaults < file < environment < flags. */
export function resolveConfig(options: ResolveConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const values: Record<string, unknown> = { ...CONFIG_DEFAULTS };
  const origins: Record<string, ConfigOrigin> = Object.fromEntries(Object.keys(CONFIG_DEFAULTS).map((key) => [key, 'default']));
  const set = (key: string, value: unknown, origin: ConfigOrigin) => {
    if (value === undefined) return;
    values[key] = value;
    origins[key] = origin;
  };

  const path = configFilePath(env);
  const file = existsSync(path) ? path : undefined;
  if (file) for (const [key, value] of Object.entries(flattenConfig(readConfigFile(file)))) set(key, value, 'file');
  for (const [name, key] of Object.entries(CONFIG_ENV)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') set(key, fromEnv(key, raw), 'env');
  }
  // A Redis URL from anywhere but the defaults means "use Redis", unless a backend was chosen.
  if (values['state.redis_url'] !== undefined && origins['state.backend'] === 'default') set('state.backend', 'redis', origins['state.redis_url'] as ConfigOrigin);
  for (const [key, value] of Object.entries(options.flags ?? {})) set(key, value, 'flag');

  values.workdir = resolve(options.cwd ?? process.cwd(), values.workdir as string);
  if (values['state.backend'] === 'redis' && values['state.redis_url'] === undefined) {
    throw new UsageError('The Redis state backend needs a URL: set REDIS_URL, pass --redis-url, or set state.redis_url in the configuration file.');
  }
  return { config: values as unknown as ResolvedConfig, origins: origins as Record<ConfigKey, ConfigOrigin>, ...(file ? { file } : {}) };
}
