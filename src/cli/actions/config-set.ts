import { existsSync } from 'node:fs';
import { findConfigKey, parseConfigValue, setConfigKey, type ValueType } from '../../config/config-keys.js';
import { configFilePath, readConfigFile } from '../../config/resolve-config.js';
import { formatConfigFile, writeConfigFile } from '../../config/write-config.js';
import { maskConfigFile, maskCredentials } from './config-show.js';

interface ConfigSetFlags {
  key: string;
  value: string;
  type?: ValueType;
  dryRun?: boolean;
}

/** `config set`: one key, its value read as the key's type (or --type), written back with every other key kept. */
export function setConfig(flags: ConfigSetFlags): void {
  const info = findConfigKey(flags.key);
  const path = configFilePath();
  const current = existsSync(path) ? readConfigFile(path) : {};
  const value = parseConfigValue(info, flags.value, flags.type);
  const next = setConfigKey(current, info, value);
  const shown = typeof value === 'string' ? maskCredentials(value) : JSON.stringify(value);
  if (flags.dryRun) {
    process.stdout.write(`# Dry run: would set ${info.key} = ${shown} in ${path}\n${formatConfigFile(maskConfigFile(next))}`);
    return;
  }
  writeConfigFile(path, next);
  process.stdout.write(`Set ${info.key} = ${shown} in ${path}\n`);
}
