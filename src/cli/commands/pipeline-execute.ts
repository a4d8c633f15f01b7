import { Command, Option } from 'commander';
import { addLaunchOptions } from './launch-options.js';

export function pipelineExecuteCommand(): Command {
  return addLaunchOptions(new Command('execute')
    .description('Validate a pipeline and run it; with --dry-run, print the plan of waves instead.')
    .requiredOption('-p, --pipeline <file>', 'the pipeline file')
    .option('--repo <dir>', 'repository root: relative paths resolve against it and tasks run from it')
    .option('--dry-run', 'validate, then print what would run together, with resources, timeouts and an estimated duration')
    .option('--resume <id>', 'continue an execution whose process died: succeeded tasks are not run again')
    .option('--allow-dirty', 'run even when the pipeline or a file it references has uncommitted changes; the execution is marked dirty'))
    .addOption(new Option('--format <format>', 'plan format for --dry-run').choices(['text', 'json']).default('text'))
    .addHelpText('after', `
Exit codes: 0 succeeded, 1 invalid pipeline or failed execution, 2 usage error,
130/143 cancelled by SIGINT/SIGTERM (a second SIGINT kills the tasks at once).

Examples:
  orchestrate pipeline execute --repo pipelines-example --pipeline pipelines-example/pipelines/daily_sales_etl.yaml
  orchestrate pipeline execute --pipeline pipelines/etl.yaml --vars overrides.json --env BATCH_SIZE=500 --timeout 3h --priority high
  orchestrate pipeline execute --pipeline pipelines/etl.yaml --resume 3f0c…  # after a crash
  orchestrate pipeline execute --pipeline pipelines/etl.yaml --dry-run`)
    .action(async (flags) => (await import('../actions/pipeline-execute.js')).executePipeline(flags));
}
