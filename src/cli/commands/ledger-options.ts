import { Option, type Command } from 'commander';

/** Adds the options of `LedgerFlags` (actions/open-ledger.ts): every controller and deploy command takes them. */
export function addLedgerOptions(command: Command, repoHelp = 'the repository (default: the one the running controller tracks)'): Command {
  return command
    .option('--repo <path-or-url>', repoHelp)
    .option('--branch <name>', 'the tracked branch', 'main')
    .option('--workdir <dir>', 'work directory: mirror, state, executions (ORCHESTRATION_WORKDIR)')
    .addOption(new Option('--state <backend>', 'state store (default: file, or redis when REDIS_URL is set)').choices(['file', 'redis']))
    .option('--redis-url <url>', 'Redis URL for --state redis (REDIS_URL)');
}
