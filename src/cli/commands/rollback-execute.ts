import { Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { positiveInteger } from '../options.js';
import { DEFAULT_PIPELINES_DIR } from '../pipelines-dir.js';
import { addLedgerOptions } from './ledger-options.js';

export function rollbackExecuteCommand(): Command {
  const command = new Command('execute')
    .description('Roll an execution back as a new execution pinned to an earlier commit, restoring the artifacts of tasks that would do the same work; history is never edited.')
    .requiredOption('--execution-id <uuid>', 'the execution to roll back (left as it is)')
    .option('--to-execution-id <uuid>', 'go back to the commit and artifacts of this execution')
    .option('--to-sha <ref>', 'go back to this commit (branch, tag or SHA)')
    .option('--to-timestamp <datetime>', 'go back to the commit of the deployment active at this time (ISO 8601)', parseTimestamp)
    .addOption(new Option('--strategy <strategy>', 'checkpoint: restore unchanged tasks, run the rest; restart: re-run from --stage on; revert: run everything').choices(['checkpoint', 'restart', 'revert']).default('checkpoint'))
    .option('--stage <name>', 'run this stage and every later one again (restart: default the first stage that did not succeed)')
    .addOption(new Option('--to-stage <name>', 'the same as --stage').hideHelp())
    .option('--include-artifacts', 'restore the stored artifacts of kept tasks (what checkpoint and restart always do)')
    .option('--verify', 'check every restored artifact\'s sha256 against the ledger before running anything')
    .option('--dry-run', 'print the plan (tasks restored with their artifacts and sizes, tasks re-run, estimated time) and change nothing')
    .option('--force', 'roll back even when the execution is still running or the target execution did not succeed')
    .option('--notify <url>', 'POST a JSON notice here when the rollback has finished')
    .option('--pipelines-dir <dir>', 'where pipeline files live in the repository', DEFAULT_PIPELINES_DIR)
    .addOption(new Option('--format <format>', 'plan format for --dry-run').choices(['text', 'json']).default('text'))
    .addOption(new Option('--log-format <format>', 'console output (default: text, coloured on a terminal)').choices(['json', 'text', 'colored']))
    .option('--parallel <n>', 'run at most N tasks at once', positiveInteger);
  return addLedgerOptions(command, 'the repository the execution ran from (default: the one the running controller tracks)')
    .addHelpText('after', `
Exit codes: 0 the rollback execution succeeded (or the dry run was printed), 1 it failed,
2 usage error (unknown execution, no target, a running execution without --force).

Examples:
  orchestrate rollback execute --repo . --execution-id abc123 --to-sha v1.4.0 --dry-run
  orchestrate rollback execute --repo . --execution-id abc123 --to-execution-id xyz789 --verify --force
  orchestrate rollback execute --repo . --execution-id abc123 --strategy restart --stage validate`)
    .action(async (flags) => {
      process.exitCode = await (await import('../actions/rollback-execute.js')).rollbackExecution(flags);
    });
}

function parseTimestamp(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new UsageError(`--to-timestamp \`${value}\` is not a date and time; use ISO 8601, e.g. 2024-01-15T14:30:00Z`);
  return at;
}
