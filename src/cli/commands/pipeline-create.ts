import { Command, Option } from 'commander';
import { commaList, positiveInteger } from '../options.js';
import { PIPELINE_KINDS } from './pipeline-kinds.js';

export function pipelineCreateCommand(): Command {
  return new Command('create')
    .description('Write a new pipeline file that passes `validate pipeline --strict`.')
    .requiredOption('--name <name>', 'pipeline name (letters, digits, _ and -)')
    .addOption(new Option('--type <type>', 'kind of pipeline; picks the stage names').choices(PIPELINE_KINDS).default('custom'))
    .option('--stages <count>', 'number of stages', positiveInteger, 3)
    .option('--schedule <cron>', 'cron schedule, such as "0 2 * * *"')
    .option('--timezone <zone>', 'IANA time zone of the schedule', 'UTC')
    .option('--template <file>', 'start from this pipeline file instead of the built-in skeleton')
    .option('--output <file>', 'where to write (default: ./<name>.yaml)')
    .option('--description <text>', 'what the pipeline does')
    .option('--tags <list>', 'comma-separated tags', commaList)
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', `
Example:
  orchestrate pipeline create --name customer_sync --type sync --stages 4 \\
    --schedule "0 */6 * * *" --timezone America/New_York --output pipelines/customer_sync.yaml`)
    .action(async (flags) => (await import('../actions/pipeline-create.js')).createPipeline(flags));
}
