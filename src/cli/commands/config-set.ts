import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
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

export function configSetCommand(): Command {
  return new Command('set')
    .description('Set one key in the configuration file, checked against the configuration schema.')
    .requiredOption('--key <path>', 'dotted key, such as state.redis_url or retry.max_attempts')
    .requiredOption('--value <value>', 'the new value')
    .addOption(new Option('--type <type>', 'how to read --value (default: the key\'s own type)').choices(['string', 'int', 'bool', 'float', 'json']))
    .option('--dry-run', 'print the resulting file instead of writing it')
    .addHelpText('after', `
Exit status: 0 when set, 2 for an unknown key or a value the key does not accept.

Examples:
  orchestrate config set --key state.redis_url --value redis://localhost:6379/0
  orchestrate config set --key retry.max_attempts --value 5 --type int`)
    .action((flags: ConfigSetFlags) => {
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
    });
}
