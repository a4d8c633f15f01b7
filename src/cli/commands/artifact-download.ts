import { Command } from 'commander';

/** `orchestrate artifact download|download-all`: copies stored outputs out, each checked against its sha256. */
export function artifactCommand(): Command {
  return new Command('artifact')
    .description('Copy artifacts that executions stored out of the artifact store.')
    .addCommand(downloadCommand())
    .addCommand(downloadAllCommand());
}

function downloadCommand(): Command {
  return new Command('download')
    .description('Copy one stored artifact of an execution to a file.')
    .requiredOption('--execution-id <id>', 'the execution that stored it')
    .requiredOption('--artifact <path>', 'its path as declared and rendered (`orders_2024-01-15.jsonl`), or its file name')
    .option('--task <task>', 'the task that stored it (`stage.task` or `task`), when several stored the same path')
    .requiredOption('--output <file>', 'where to write it (into it, under the artifact\'s file name, when it is a directory)')
    .option('--workdir <dir>', 'work directory holding the artifact store (ORCHESTRATION_WORKDIR)')
    .addHelpText('after', `
Example:
  orchestrate artifact download --execution-id 3f1c… --artifact transformed_orders.parquet --output ./recovered/transformed_orders.parquet`)
    .action(async (flags) => (await import('../actions/artifact-download.js')).downloadArtifact(flags));
}

function downloadAllCommand(): Command {
  return new Command('download-all')
    .description('Copy every artifact an execution stored into a directory, each under its declared path.')
    .requiredOption('--execution-id <id>', 'the execution that stored them')
    .requiredOption('--output <dir>', 'the directory to write them to')
    .option('--workdir <dir>', 'work directory holding the artifact store (ORCHESTRATION_WORKDIR)')
    .addHelpText('after', `
Example:
  orchestrate artifact download-all --execution-id 3f1c… --output ./recovered/`)
    .action(async (flags) => (await import('../actions/artifact-download.js')).downloadAllArtifacts(flags));
}
