import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { validateRepository, type RepositoryValidation } from '../gitops/validate-repository.js';
import { formatHuman } from '../validate/report/human.js';
import { pipelinesDirectory, readActionContext, readActionInputs } from './action-context.js';
import { resolveValidationRange } from './action-range.js';
import { createGithubClient } from './github-client.js';
import { publishValidation } from './publish-validation.js';

export interface ActionResult {
  exitCode: number;
  errors: number;
  warnings: number;
  sarifFile: string;
}

/**
 * The action: validate the event's commit range with `validateRepository` (what `validate repo`
 * runs), write SARIF, report a check run and one PR comment when a token allows, write the step
 * summary and outputs. Exit code 1 when there are errors.
 */
export async function runAction(env: NodeJS.ProcessEnv, version: string, log: (line: string) => void = console.log): Promise<ActionResult> {
  const inputs = readActionInputs(env);
  const context = readActionContext(env);
  const pipelinesDir = pipelinesDirectory(inputs.pipelines);
  const sarifFile = resolve(context.workspace, inputs.sarifFile);
  const range = await resolveValidationRange(context.workspace, { base: context.baseSha, head: context.headSha, checkedOut: env.GITHUB_SHA ?? context.headSha });
  for (const note of range.notes) log(`::warning::${note}`);
  let validation: Promise<RepositoryValidation> | undefined;
  const validate = () => (validation ??= validateRepository({
    repo: context.workspace,
    base: range.base,
    head: range.head,
    strict: inputs.strict,
    checkConnections: inputs.checkConnections,
    checkResources: inputs.checkResources,
    pipelinesDir,
    // The mirror goes to the runner's scratch space, never into the checkout being validated.
    workdir: join(env.RUNNER_TEMP ?? tmpdir(), 'orchestrate'),
    toolVersion: version,
  }));

  if (inputs.token) {
    const octokit = createGithubClient({ token: inputs.token, baseUrl: env.GITHUB_API_URL });
    const target = { repository: context.repository, headSha: context.headSha, pullNumber: context.pullNumber };
    try {
      await publishValidation(octokit, target, validate, { comment: inputs.comment, fullReport: `the SARIF file \`${inputs.sarifFile}\` (uploaded to code scanning) and the check run`, repositoryRoot: context.workspace });
    } catch (error) {
      if (!isPermissionError(error)) throw error;
      // Pull requests from forks get a read-only token: validating still tells the author what is wrong.
      log(`::warning::The token may not write check runs or comments (${(error as Error).message}); validating only`);
    }
  } else {
    log('No github-token given: validating only, without a check run or a PR comment');
  }

  const { report, markdown, sarif } = await validate();
  mkdirSync(dirname(sarifFile), { recursive: true });
  writeFileSync(sarifFile, `${JSON.stringify(sarif, null, 2)}\n`);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n${range.notes.map((note) => `> ${note}\n`).join('')}`);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `errors=${report.counts.errors}\nwarnings=${report.counts.warnings}\nsarif-file=${sarifFile}\n`);
  log(formatHuman(report, { color: false }).trimEnd());
  log(`SARIF written to ${sarifFile}`);
  return { exitCode: report.counts.errors > 0 ? 1 : 0, errors: report.counts.errors, warnings: report.counts.warnings, sarifFile };
}

function isPermissionError(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  return status === 403 || status === 404;
}
