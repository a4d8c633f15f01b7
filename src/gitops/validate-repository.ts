import { resolve } from 'node:path';
import type { ValidationReport, ValidationRequest } from '../validate/validate-files.js';
import { checkConnections } from '../validate/connections/check-connections.js';
import { checkResources } from '../validate/resources/check-resources.js';
import { formatMarkdown } from '../validate/report/markdown.js';
import { toSarif } from '../validate/report/sarif.js';
import { GitSource } from './git-source.js';
import { diffPipelines, type PipelineDiff } from './pipeline-diff.js';
import { validateAtCommit } from './validate-at-commit.js';
import { selectPipelines, type PipelineChange, type Selection } from './select-pipelines.js';

/** What a pull-request check asks for. The GitHub Action calls `validateRepository` with exactly this. */
export interface RepositoryValidationRequest {
  /** A local path, `file://`, `https://` (token in `ORCHESTRATE_GIT_TOKEN`) or ssh URL. */
  repo: string;
  /** The commit the change starts from; without it every pipeline at `head` is validated. */
  base?: string;
  /** The commit (or branch, tag) to validate. */
  head: string;
  /** Careful-reviewer rules; unknown keys become errors. @defaultValue false */
  strict?: boolean;
  /** Probe every connection string and URL. @defaultValue false */
  checkConnections?: boolean;
  /** Compare resource requests with this machine's capacity. @defaultValue false */
  checkResources?: boolean;
  /** Where the pipeline files live in the repository. @defaultValue 'pipelines' */
  pipelinesDir?: string;
  /** Holds the repository mirror (`<workdir>/repos/`). @defaultValue '.orchestration' */
  workdir?: string;
  /** Schedules' next fire times are computed from here. @defaultValue the current time */
  now?: Date;
  /** Written into SARIF as the tool's version. @defaultValue '0.0.0' */
  toolVersion?: string;
}

export interface RepositoryValidation {
  /** Findings of every validated pipeline; paths relative to the repository root. */
  report: ValidationReport;
  /** The pull-request summary, starting with the `<!-- orchestrate:validate -->` marker line. */
  markdown: string;
  /** SARIF 2.1.0, uris relative to the repository root. */
  sarif: object;
  /** Every pipeline looked at and why, removed ones included. */
  changed: PipelineChange[];
  /** The SHAs `base` and `head` resolved to. */
  baseSha?: string;
  headSha: string;
}

/**
 * Validates, in the tree at `head`, the pipelines a change can affect (see `selectPipelines`).
 * Only those files and the files they reference are read from Git, into a scratch directory,
 * so one changed pipeline in a repository of 1,000 costs about what a repository of one does.
 */
export async function validateRepository(request: RepositoryValidationRequest): Promise<RepositoryValidation> {
  const source = new GitSource({ repo: request.repo, workdir: request.workdir ?? '.orchestration' });
  const headSha = await source.fetch(request.head);
  const baseSha = request.base === undefined ? undefined : await source.resolve(request.base);
  const selection = await selectPipelines(source, { base: baseSha, head: headSha, pipelinesDir: request.pipelinesDir });
  const report = await validateAtCommit(source, headSha, selection, { strict: request.strict === true, extraChecks: extraChecks(request), root: localRoot(source.display) });
  const diffs = diffSelection(selection, request.now ?? new Date());
  const changed = [...selection.validated, ...selection.removed];
  const markdown = formatMarkdown({ report, changed, diffs, repository: source.display, baseSha, headSha });
  return { report, markdown, sarif: toSarif(report, request.toolVersion ?? '0.0.0'), changed, baseSha, headSha };
}

function extraChecks(request: RepositoryValidationRequest): NonNullable<ValidationRequest['extraChecks']> {
  const checks: NonNullable<ValidationRequest['extraChecks']>[number][] = [];
  if (request.checkConnections) checks.push((files) => checkConnections(files, {}));
  if (request.checkResources) checks.push((files) => checkResources(files, { capacity: {} }));
  return checks;
}

/** A local repository is its own root; for a URL, the current directory (a CI checkout of it). */
function localRoot(display: string): string {
  return display.includes('://') || /^[^/@:\s]+@[^/:\s]+:/.test(display) ? process.cwd() : resolve(display);
}

function diffSelection(selection: Selection, now: Date): PipelineDiff[] {
  const diffs: PipelineDiff[] = [];
  for (const change of [...selection.validated, ...selection.removed]) {
    // Dependents did not change; a pipeline changed through a script has the same YAML on both sides.
    if (change.change === 'dependent' || change.change === 'all' || change.reason !== undefined) continue;
    diffs.push(diffPipelines(change.file, selection.base.get(change.file), selection.head.get(change.file), now));
  }
  return diffs;
}
