import type { Octokit } from '@octokit/rest';
import type { RepositoryValidation } from '../gitops/validate-repository.js';
import { redactUrl } from '../validate/connections/redact-url.js';
import type { ValidationReport } from '../validate/validate-files.js';
import { findingsToAnnotations } from './annotations.js';
import { completeCheckRun, createCheckRun, type CheckConclusion } from './check-runs.js';
import { setCommitStatus } from './commit-status.js';
import type { RepositoryRef } from './github-client.js';
import { composeComment, upsertPullRequestComment } from './pull-request-comment.js';

export const CHECK_CONTEXT = 'orchestrate/validate';

export interface PublishTarget {
  repository: RepositoryRef;
  headSha: string;
  /** The PR to comment on; without one there is no comment. */
  pullNumber?: number;
}

export interface PublishOptions {
  /** @defaultValue true */
  comment?: boolean;
  /** Also set the commit status `orchestrate/validate` (the controller does; the action has its check run). @defaultValue false */
  status?: boolean;
  /** Where the whole report is when the comment must be cut, e.g. "the SARIF file `results.sarif`". */
  fullReport: string;
  /** Root that annotation paths are made relative to. @defaultValue the validated report's root */
  repositoryRoot?: string;
}

export interface PublishResult {
  conclusion: CheckConclusion;
  checkRunId: number;
  commentId?: number;
}

/** The headline a check run and a commit status share: "2 errors, 1 warning in 3 pipeline files". */
export function describeCounts(report: ValidationReport): string {
  const { files, errors, warnings } = report.counts;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (errors === 0 && warnings === 0) return `${plural(files, 'pipeline file')} valid`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'pipeline file')}`;
}

/**
 * Runs `validate` inside a check run: the run shows as in progress at once and always completes
 * with a conclusion, `failure` when validation finds errors or cannot run at all. Then the one
 * PR comment and, when asked, the commit status.
 */
export async function publishValidation(octokit: Octokit, target: PublishTarget, validate: () => Promise<RepositoryValidation>, options: PublishOptions): Promise<PublishResult & { validation: RepositoryValidation }> {
  const { repository, headSha } = target;
  const checkRunId = await createCheckRun(octokit, repository, headSha);
  let validation: RepositoryValidation;
  try {
    validation = await validate();
  } catch (error) {
    // The run is visible to everyone who can see the PR: no credentials from a repository URL.
    const message = redactUrl(error instanceof Error ? error.message : String(error));
    await completeCheckRun(octokit, repository, checkRunId, { conclusion: 'failure', title: 'Validation could not run', summary: `Validation could not run:\n\n\`\`\`\n${message}\n\`\`\``, annotations: [] });
    if (options.status) await setCommitStatus(octokit, repository, headSha, { state: 'error', context: CHECK_CONTEXT, description: `Validation could not run: ${message}` });
    throw error;
  }
  const { report, markdown } = validation;
  const conclusion: CheckConclusion = report.counts.errors > 0 ? 'failure' : 'success';
  const headline = describeCounts(report);
  const annotations = findingsToAnnotations(report.findings, { validatedRoot: report.root, repositoryRoot: options.repositoryRoot ?? report.root });
  await completeCheckRun(octokit, repository, checkRunId, { conclusion, title: headline, summary: markdown, annotations });
  let commentId: number | undefined;
  if (target.pullNumber !== undefined && options.comment !== false) {
    commentId = (await upsertPullRequestComment(octokit, repository, target.pullNumber, composeComment(markdown, options.fullReport))).id;
  }
  if (options.status) await setCommitStatus(octokit, repository, headSha, { state: conclusion, context: CHECK_CONTEXT, description: headline });
  return { conclusion, checkRunId, commentId, validation };
}
