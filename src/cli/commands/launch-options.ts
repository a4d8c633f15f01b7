import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../../spec/quantities.js';
import { commaList, positiveInteger } from '../options.js';

/** Adds the options of `LaunchFlags` (actions/pipeline-execute-run.ts), worded the same for every command that runs a pipeline. */
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
function envPair(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/s.exec(value);
  if (!match) throw new InvalidArgumentError(`Expected KEY=VALUE such as \`BATCH_SIZE=500\`, got \`${value}\`.`);
  return { ...previous, [match[1] as string]: match[2] as string };
}

/** `--timeout 2h`: seconds. */
function durationSeconds(value: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok || parsed.value <= 0) throw new InvalidArgumentError(`Expected a duration such as \`30m\`, \`2h\` or \`90s\`, got \`${value}\`.`);
  return parsed.value;
}

/** `--ds 2024-01-15`: a real calendar date. */
function logicalDate(value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError(`Expected a date as YYYY-MM-DD such as \`2024-01-15\`, got \`${value}\`.`);
  }
  return value;
}
