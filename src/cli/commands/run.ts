import { Command } from 'commander';
import { DEFAULT_PIPELINES_DIR } from '../pipelines-dir.js';
import { addLaunchOptions } from './launch-options.js';

export function runCommand(): Command {
  return addLaunchOptions(new Command('run')
    .description('Run a pipeline as it is at a commit, whatever HEAD is: checked out read-only into its own workspace, the SHA recorded.')
    .requiredOption('--repo <path-or-url>', 'the repository: a local path, file://, https:// (token in ORCHESTRATE_GIT_TOKEN) or ssh')
    .option('--sha <ref>', 'the commit (a branch or tag is resolved to its SHA once, at start)')
    .option('--pipeline <name>', 'the pipeline\'s `name`')
    .option('--resume <id>', 'continue an execution started by `run`, at its own SHA and in its own workspace (instead of --sha and --pipeline)')
    .option('--pipelines-dir <dir>', 'where pipeline files live in the repository', DEFAULT_PIPELINES_DIR))
    .addHelpText('after', `
Exit codes: 0 succeeded, 1 invalid pipeline or failed execution, 2 usage error,
130/143 cancelled by SIGINT/SIGTERM (a second SIGINT kills the tasks at once).

Examples:
  orchestrate run --repo . --sha 3f2a9c1 --pipeline daily_sales_etl
  orchestrate run --repo . --resume 7b0e…   # after a crash or a failure, still at 3f2a9c1
  orchestrate run --repo https://github.com/acme/pipelines.git --sha v1.4.0 --pipeline training --env EPOCHS=3`)
    .action(async (flags) => {
      process.exitCode = await (await import('../actions/run.js')).runAtCommit(flags);
    });
}
