import { stringify } from 'yaml';
import { CONFIG_ENV, type ConfigKey, type ConfigOrigin } from '../../config/config.js';
import { configFilePath, type LoadedConfig } from '../../config/resolve-config.js';
import { redactUrl } from '../../validate/connections/redact-url.js';
import { loadConfig, type StoreFlags } from './state-options.js';

interface ConfigShowFlags extends StoreFlags {
  format: 'yaml' | 'json' | 'env';
  showOrigin?: boolean;
  secrets?: boolean;
}

const ENV_OF = new Map<string, string>(Object.entries(CONFIG_ENV).map(([name, key]) => [key, name]));

/** `config show`: every key in effect, credentials masked unless --secrets. */
export function showConfig(flags: ConfigShowFlags): void {
  process.stdout.write(formatConfig(loadConfig(flags), flags));
}

interface Entry {
  key: ConfigKey;
  value: unknown;
  origin: ConfigOrigin;
  /** The variable or file the value came from. */
  source?: string;
}

function entriesOf(loaded: LoadedConfig, secrets: boolean): Entry[] {
  return (Object.entries(loaded.config) as [ConfigKey, unknown][])
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => {
      const origin = loaded.origins[key] ?? 'default';
      // `state.backend` has no variable of its own: REDIS_URL chooses redis when nothing else did.
      const source = origin === 'env' ? (ENV_OF.get(key) ?? (key === 'state.backend' ? 'REDIS_URL' : undefined)) : origin === 'file' ? loaded.file : undefined;
      return { key, value: typeof value === 'string' && !secrets ? maskCredentials(value) : value, origin, ...(source !== undefined ? { source } : {}) };
    });
}

function formatConfig(loaded: LoadedConfig, flags: ConfigShowFlags): string {
  const entries = entriesOf(loaded, flags.secrets === true);
  const origin = (entry: Entry) => (entry.source ? `${entry.origin} ${entry.source}` : entry.origin);
  if (flags.format === 'json') {
    const body = Object.fromEntries(entries.map((entry) => [entry.key, flags.showOrigin ? { value: entry.value, origin: entry.origin, ...(entry.source ? { source: entry.source } : {}) } : entry.value]));
    return `${JSON.stringify(body, null, 2)}\n`;
  }
  const header = flags.showOrigin ? `# configuration file: ${loaded.file ?? `${configFilePath()} (not present)`}\n` : '';
  if (flags.format === 'env') {
    const lines = entries.map((entry) => {
      const name = ENV_OF.get(entry.key);
      const comment = flags.showOrigin ? `  # ${origin(entry)}` : '';
      return name ? `${name}=${shellQuote(String(entry.value))}${comment}` : `# ${entry.key}=${String(entry.value)}${comment}`;
    });
    return `${header}# Keys commented out have no environment variable: set them in the configuration file.\n${lines.join('\n')}\n`;
  }
  const lines = entries.map((entry) => `${entry.key}: ${stringify(entry.value).trimEnd()}${flags.showOrigin ? `  # ${origin(entry)}` : ''}`);
  return `${header}${lines.join('\n')}\n`;
}

/** `redis://:***@host:6379/0`: the password hidden, the rest left to read. */
export function maskCredentials(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    if (url.password === '' && url.username === '') return value;
    if (url.password !== '') url.password = '***';
    else url.username = '***';
    return url.href;
  } catch {
    return redactUrl(value);
  }
}

/** The file's contents with every URL credential masked, for dry runs. */
export function maskConfigFile<T>(value: T): T {
  if (typeof value === 'string') return maskCredentials(value) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, maskConfigFile(inner)])) as T;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
