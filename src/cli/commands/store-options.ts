import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ExecutionStatus } from '../../state/events.js';
import { isExecutionStatus } from '../../state/summary.js';

/** Adds the options of `StoreFlags` (actions/state-options.ts): every command that reads state takes them. */
export function addStoreOptions(command: Command): Command {
  return command
    .option('--workdir <dir>', 'work directory holding the embedded state and logs (ORCHESTRATION_WORKDIR)')
    .addOption(new Option('--state <backend>', 'state store: the embedded `file` store or `redis` (config state.backend)').choices(['file', 'redis']))
    .option('--redis-url <url>', 'Redis to read with --state redis (REDIS_URL)');
}

/** `--status succeeded,failed`: every name checked, so a typo is a usage error, not an empty result. */
export function statusList(value: string): ExecutionStatus[] {
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const wrong = names.filter((name) => !isExecutionStatus(name));
  if (names.length === 0 || wrong.length > 0) {
    throw new InvalidArgumentError(`Expected statuses from pending, running, succeeded, failed, cancelled (comma-separated), got \`${value}\`.`);
  }
  return names as ExecutionStatus[];
}
