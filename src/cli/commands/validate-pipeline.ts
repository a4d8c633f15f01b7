import { Command, Option } from 'commander';
import { DEFAULT_LOAD_LIMITS } from '../../spec/load-source.js';
import { validateFiles, type ValidationRequest } from '../../validate/validate-files.js';
import { checkConnections } from '../../validate/connections/check-connections.js';
import { checkResources } from '../../validate/resources/check-resources.js';
import { formatHuman } from '../../validate/report/human.js';
import { toValidationJson } from '../../validate/report/json.js';
import { toSarif } from '../../validate/report/sarif.js';
import { byteSize, collect } from '../options.js';
import { cpuCores, durationMilliseconds, memoryBytes, wholeCount } from '../quantity-options.js';
import { emit, useColor } from '../output.js';
import { packageVersion } from '../package-info.js';

interface ValidatePipelineFlags {
  pipeline: string[];
  strict?: boolean;
  checkConnections?: boolean;
  checkResources?: boolean;
  connectionTimeout?: number;
  capacityCpu?: number;
  capacityMemory?: number;
  capacityGpu?: number;
  output: 'human' | 'json' | 'sarif';
  outFile?: string;
  repo?: string;
  maxFileSize?: number;
}

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
    .option('--max-file-size <bytes>', `largest pipeline file read (default ${DEFAULT_LOAD_LIMITS.maxFileBytes / 1024 / 1024}MiB)`, byteSize)
    .addHelpText('after', `
Exit status: 0 when there are no errors (warnings allowed), 1 when there are errors, 2 on usage errors.

Examples:
  orchestrate validate pipeline --pipeline pipelines/daily_sales_etl.yaml
  orchestrate validate pipeline --pipeline pipelines/ --strict
  orchestrate validate pipeline --pipeline pipelines/ --check-connections --check-resources --capacity-memory 16Gi
  orchestrate validate pipeline --pipeline pipelines/ --output sarif --out-file results.sarif
  orchestrate validate pipeline --pipeline pipelines/ --output json | jq '.findings[] | select(.severity == "error")'`)
    .action(async (flags: ValidatePipelineFlags) => {
      const report = await validateFiles({
        paths: flags.pipeline,
        strict: flags.strict === true,
        root: flags.repo,
        limits: { ...DEFAULT_LOAD_LIMITS, maxFileBytes: flags.maxFileSize ?? DEFAULT_LOAD_LIMITS.maxFileBytes },
        extraChecks: extraChecksFor(flags),
      });
      const text = flags.output === 'json'
        ? `${JSON.stringify(toValidationJson(report), null, 2)}\n`
        : flags.output === 'sarif'
          ? `${JSON.stringify(toSarif(report, packageVersion()), null, 2)}\n`
          : formatHuman(report, { color: !flags.outFile && useColor() });
      emit(text, flags.outFile);
      process.exitCode = report.valid ? 0 : 1;
    });
}

/** The opt-in checks that reach outside the files: the network, this machine's capacity and PATH. */
function extraChecksFor(flags: ValidatePipelineFlags): NonNullable<ValidationRequest['extraChecks']> {
  const checks: NonNullable<ValidationRequest['extraChecks']>[number][] = [];
  if (flags.checkConnections) checks.push((files) => checkConnections(files, { timeoutMs: flags.connectionTimeout }));
  if (flags.checkResources) {
    checks.push((files) => checkResources(files, { capacity: { cpu: flags.capacityCpu, memoryBytes: flags.capacityMemory, gpu: flags.capacityGpu } }));
  }
  return checks;
}
