import { Command, Option } from 'commander';
import { resolveConfig } from '../../config/resolve-config.js';
import { validateRepository } from '../../gitops/validate-repository.js';
import type { PipelineChange } from '../../gitops/select-pipelines.js';
import { formatHuman } from '../../validate/report/human.js';
import { toValidationJson } from '../../validate/report/json.js';
import { emit, useColor } from '../output.js';
import { packageVersion } from '../package-info.js';

interface ValidateRepoFlags {
  repo: string;
  base?: string;
  head: string;
  strict?: boolean;
  checkConnections?: boolean;
  checkResources?: boolean;
  output: 'human' | 'json' | 'sarif' | 'markdown';
  outFile?: string;
  pipelinesDir: string;
}

export function validateRepoCommand(): Command {
  return new Command('repo')
    .description('Validate, at a commit, the pipelines a change affects: changed files, pipelines whose scripts changed, and their dependents.')
    .requiredOption('--repo <path-or-url>', 'the repository: a local path, file://, https:// (token in ORCHESTRATE_GIT_TOKEN) or ssh')
    .option('--base <ref>', 'the commit the change starts from (without it: every pipeline at --head)')
    .requiredOption('--head <ref>', 'the commit, branch or tag to validate')
    .option('--strict', 'also apply the careful-reviewer rules and make unknown keys errors')
    .option('--check-connections', 'open each connection string and URL with a short timeout')
    .option('--check-resources', 'compare resource requests with what this machine can offer')
    .addOption(new Option('-o, --output <format>', 'report format').choices(['human', 'json', 'sarif', 'markdown']).default('human'))
    .option('--out-file <path>', 'write the report to a file instead of stdout')
    .option('--pipelines-dir <dir>', 'where pipeline files live in the repository', 'pipelines')
    .addHelpText('after', `
Exit status: 0 when there are no errors (warnings allowed), 1 when there are errors, 2 on usage errors.

Examples:
  orchestrate validate repo --repo . --base origin/main --head HEAD
  orchestrate validate repo --repo . --base "$BASE_SHA" --head "$HEAD_SHA" --output markdown --out-file summary.md
  orchestrate validate repo --repo https://github.com/acme/pipelines.git --head main --output sarif`)
    .action(async (flags: ValidateRepoFlags) => {
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
    });
}

function describeSelection(changed: readonly PipelineChange[]): string {
  if (changed.length === 0) return 'No pipeline is affected by this change.\n';
  return changed.map((change) => `${change.change.padEnd(9)} ${change.file}${change.reason ? ` (${change.reason})` : ''}`).join('\n') + '\n';
}
