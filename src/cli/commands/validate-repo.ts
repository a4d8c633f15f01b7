import { Command, Option } from 'commander';
import { DEFAULT_PIPELINES_DIR } from '../pipelines-dir.js';

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
    .option('--pipelines-dir <dir>', 'where pipeline files live in the repository', DEFAULT_PIPELINES_DIR)
    .addHelpText('after', `
Exit status: 0 when there are no errors (warnings allowed), 1 when there are errors, 2 on usage errors.

Examples:
  orchestrate validate repo --repo . --base origin/main --head HEAD
  orchestrate validate repo --repo . --base "$BASE_SHA" --head "$HEAD_SHA" --output markdown --out-file summary.md
  orchestrate validate repo --repo https://github.com/acme/pipelines.git --head main --output sarif`)
    .action(async (flags) => (await import('../actions/validate-repo.js')).validateRepo(flags));
}
