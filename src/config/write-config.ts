import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import type { ConfigFile } from './config.js';

/** The file as `config init` and `config set` write it: YAML under a line saying what it is. */
export function formatConfigFile(file: ConfigFile): string {
  const body = Object.keys(file).length === 0 ? '{}\n' : stringify(file);
  return `# auto-orchestrator configuration: defaults < this file < environment < flags (see \`orchestrate config show --show-origin\`)\n${body}`;
}

/**
 * Writes the whole file at once (temporary file, then rename), readable by its owner only: a
 * Redis URL may carry a password.
 */
export function writeConfigFile(path: string, file: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, formatConfigFile(file), { mode: 0o600 });
  renameSync(temporary, path);
}
