import { Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { planExecution } from '../../dag/execution-plan.js';
import { validateFiles } from '../../validate/validate-files.js';
import { formatHuman } from '../../validate/report/human.js';
import { commaList } from '../options.js';
import { useColor } from '../output.js';
import { formatPlan } from '../format-plan.js';

interface ExecuteFlags {
  pipeline: string;
  dryRun?: boolean;
  skipTasks?: string[];
  format: 'text' | 'json';
  repo?: string;
}

export function pipelineExecuteCommand(): Command {
  return new Command('execute')
    .description('Validate a pipeline and run it (with --dry-run: print the plan of waves instead).')
    .requiredOption('-p, --pipeline <file>', 'the pipeline file')
    .option('--dry-run', 'validate, then print what would run together, with resources and timeouts')
    .option('--skip-tasks <list>', 'comma-separated tasks to leave out (`task` or `stage.task`)', commaList)
    .option('--repo <dir>', 'repository root that relative paths resolve against')
    .addOption(new Option('--format <format>', 'plan format').choices(['text', 'json']).default('text'))
    .addHelpText('after', `
Example:
  orchestrate pipeline execute --pipeline pipelines-example/pipelines/daily_sales_etl.yaml --dry-run`)
    .action(async (flags: ExecuteFlags) => {
      if (!flags.dryRun) {
        throw new UsageError('Running tasks needs the execution engine, which this build does not include yet; use --dry-run to validate and see the plan');
      }
      const report = await validateFiles({ paths: [flags.pipeline], strict: false, root: flags.repo });
      const pipeline = report.files[0]?.pipeline;
      if (!report.valid || !pipeline) {
        process.stderr.write(formatHuman(report, { color: useColor(process.stderr) }));
        process.exitCode = 1;
        return;
      }
      const plan = planExecution(pipeline, { skip: new Set(flags.skipTasks ?? []) });
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
    });
}
