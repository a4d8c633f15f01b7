import { existsSync } from 'node:fs';
import { configFile, type ConfigFile } from '../../config/config.js';
import { configFilePath } from '../../config/resolve-config.js';
import { formatConfigFile, writeConfigFile } from '../../config/write-config.js';
import { UsageError } from '../../errors.js';
import { maskConfigFile } from './config-show.js';

interface ConfigInitFlags {
  redisUrl?: string;
  workdir?: string;
  logLevel?: string;
  k8sNamespace?: string;
  executor?: string;
  dryRun?: boolean;
  force?: boolean;
}

const EXECUTORS: Record<string, 'local' | 'docker' | 'kubernetes'> = { local: 'local', docker: 'docker', kubernetes: 'kubernetes', k8s: 'kubernetes' };
const LOG_LEVELS: Record<string, 'debug' | 'info' | 'warn' | 'error'> = { debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error' };

/** `config init`: the file from the flags, checked against the configuration schema; never over an existing one without --force. */
export function initConfig(flags: ConfigInitFlags): void {
  const file = buildConfig(flags);
  const path = configFilePath();
  if (flags.dryRun) {
    process.stdout.write(`# Dry run: would write ${path}\n${formatConfigFile(maskConfigFile(file))}`);
    return;
  }
  if (existsSync(path) && !flags.force) {
    throw new UsageError(`The configuration file ${path} already exists. Pass --force to replace it, or change one key with \`orchestrate config set --key … --value …\`.`);
  }
  writeConfigFile(path, file);
  process.stdout.write(`Wrote ${path}\n`);
}

function buildConfig(flags: ConfigInitFlags): ConfigFile {
  const draft: Record<string, Record<string, unknown> | string> = {};
  const section = (name: string) => (draft[name] ??= {}) as Record<string, unknown>;
  if (flags.workdir !== undefined) draft.workdir = flags.workdir;
  if (flags.redisUrl !== undefined) Object.assign(section('state'), { backend: 'redis', redis_url: flags.redisUrl });
  if (flags.logLevel !== undefined) {
    const level = LOG_LEVELS[flags.logLevel.toLowerCase()];
    if (!level) throw new UsageError(`Expected --log-level to be DEBUG, INFO, WARNING or ERROR, got \`${flags.logLevel}\`.`);
    section('log').level = level;
  }
  if (flags.executor !== undefined) {
    const executor = EXECUTORS[flags.executor.toLowerCase()];
    if (!executor) throw new UsageError(`Expected --executor to be local, docker or k8s, got \`${flags.executor}\`${flags.executor === 'aws-batch' ? ' (AWS Batch is not supported)' : ''}.`);
    section('executor').default = executor;
  }
  if (flags.k8sNamespace !== undefined) section('executor').kubernetes = { namespace: flags.k8sNamespace };
  const result = configFile.safeParse(draft);
  if (!result.success) {
    throw new UsageError(`Cannot write this configuration: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}.`);
  }
  return result.data;
}
