import { DEFAULT_LOAD_LIMITS } from '../../spec/load-source.js';
import { validateFiles, type ValidationRequest } from '../../validate/validate-files.js';
import { checkResources } from '../../validate/resources/check-resources.js';
import { formatHuman } from '../../validate/report/human.js';
import { toValidationJson } from '../../validate/report/json.js';
import { toSarif } from '../../validate/report/sarif.js';
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

/** `validate pipeline`: every finding of every file, in the asked format; exit 1 when any is an error. */
export async function validatePipelines(flags: ValidatePipelineFlags): Promise<void> {
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
}

/** The opt-in checks that reach outside the files: the network, this machine's capacity and PATH. */
function extraChecksFor(flags: ValidatePipelineFlags): NonNullable<ValidationRequest['extraChecks']> {
  const checks: NonNullable<ValidationRequest['extraChecks']>[number][] = [];
  if (flags.checkConnections) {
    // Loaded only when asked for: the probes bring node:http, node:https and node:tls, ~5 ms of every start otherwise.
    checks.push(async (files) => {
      const { checkConnections } = await import('../../validate/connections/check-connections.js');
      await checkConnections(files, { timeoutMs: flags.connectionTimeout });
    });
  }
  if (flags.checkResources) {
    checks.push((files) => checkResources(files, { capacity: { cpu: flags.capacityCpu, memoryBytes: flags.capacityMemory, gpu: flags.capacityGpu } }));
  }
  return checks;
}
