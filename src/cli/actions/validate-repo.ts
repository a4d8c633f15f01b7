import { resolveConfig } from '../../config/resolve-config.js';
import { validateRepository, type RepositoryValidationRequest } from '../../gitops/validate-repository.js';
import type { PipelineChange } from '../../gitops/select-pipelines.js';
import { formatHuman } from '../../validate/report/human.js';
import { toValidationJson } from '../../validate/report/json.js';
import { emit, useColor } from '../output.js';
import { packageVersion } from '../package-info.js';

interface ValidateRepoFlags extends Pick<RepositoryValidationRequest, 'repo' | 'base' | 'head' | 'strict' | 'checkConnections' | 'checkResources'> {
  output: 'human' | 'json' | 'sarif' | 'markdown';
  outFile?: string;
  pipelinesDir: string;
}

/** `validate repo`: the pipelines a change affects, validated at the head commit. */
export async function validateRepo(flags: ValidateRepoFlags): Promise<void> {
  const { config } = resolveConfig();
  const result = await validateRepository({
    repo: flags.repo,
    base: flags.base,
    head: flags.head,
    strict: flags.strict === true,
    checkConnections: flags.checkConnections === true,
    checkResources: flags.checkResources === true,
    pipelinesDir: flags.pipelinesDir,
    workdir: config.workdir,
    toolVersion: packageVersion(),
  });
  const text = flags.output === 'json'
    ? `${JSON.stringify({ ...toValidationJson(result.report), base: result.baseSha ?? null, head: result.headSha, pipelines: result.changed }, null, 2)}\n`
    : flags.output === 'sarif'
      ? `${JSON.stringify(result.sarif, null, 2)}\n`
      : flags.output === 'markdown'
        ? result.markdown
        : `${describeSelection(result.changed)}\n${formatHuman(result.report, { color: !flags.outFile && useColor() })}`;
  emit(text, flags.outFile);
  process.exitCode = result.report.valid ? 0 : 1;
}

function describeSelection(changed: readonly PipelineChange[]): string {
  if (changed.length === 0) return 'No pipeline is affected by this change.\n';
  return changed.map((change) => `${change.change.padEnd(9)} ${change.file}${change.reason ? ` (${change.reason})` : ''}`).join('\n') + '\n';
}
