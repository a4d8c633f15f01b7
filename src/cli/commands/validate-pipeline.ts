import { Command, Option } from 'commander';
import { byteSize, collect } from '../options.js';
import { cpuCores, durationMilliseconds, memoryBytes, wholeCount } from '../quantity-options.js';

export function validatePipelineCommand(): Command {
  return new Command('pipeline')
    .description('Validate pipeline files: every problem, each with its file, line and column.')
    .requiredOption('-p, --pipeline <path>', 'a pipeline file or a directory of them (repeatable)', collect)
    .option('--strict', 'also apply the careful-reviewer rules and make unknown keys errors')
    .option('--check-connections', 'open each connection string and URL with a short timeout')
    .option('--check-resources', 'compare resource requests with what the executor can offer')
    .option('--connection-timeout <duration>', 'with --check-connections: how long each probe may take (default 3s)', durationMilliseconds)
    .option('--capacity-cpu <cores>', 'with --check-resources: cores the local executor offers (default: this machine\'s)', cpuCores)
    .option('--capacity-memory <size>', 'with --check-resources: memory the local executor offers, such as 16Gi (default: this machine\'s)', memoryBytes)
    .option('--capacity-gpu <count>', 'with --check-resources: GPUs the local executor offers (default 0)', wholeCount)
    .addOption(new Option('-o, --output <format>', 'report format').choices(['human', 'json', 'sarif']).default('human'))
    .option('--out-file <path>', 'write the report to a file instead of stdout')
    .option('--repo <dir>', 'repository root that relative paths resolve against (default: the Git work tree of the file)')
    // The loader's DEFAULT_LOAD_LIMITS written out: importing it would load the YAML parser for every command (help.test.ts checks they agree).
    .option('--max-file-size <bytes>', 'largest pipeline file read (default 10MiB)', byteSize)
    .addHelpText('after', `
Exit status: 0 when there are no errors (warnings allowed), 1 when there are errors, 2 on usage errors.

Examples:
  orchestrate validate pipeline --pipeline pipelines/daily_sales_etl.yaml
  orchestrate validate pipeline --pipeline pipelines/ --strict
  orchestrate validate pipeline --pipeline pipelines/ --check-connections --check-resources --capacity-memory 16Gi
  orchestrate validate pipeline --pipeline pipelines/ --output sarif --out-file results.sarif
  orchestrate validate pipeline --pipeline pipelines/ --output json | jq '.findings[] | select(.severity == "error")'`)
    .action(async (flags) => (await import('../actions/validate-pipeline.js')).validatePipelines(flags));
}
