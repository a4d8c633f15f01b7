import type { Octokit } from '@octokit/rest';
import type { RepositoryValidation } from '../gitops/validate-repository.js';
import type { RepositoryRef } from './github-client.js';
import { publishValidation } from './publish-validation.js';
import { getPullRequest } from './pull-requests.js';

export interface PullRequestReporterOptions {
  octokit: Octokit;
  repository: RepositoryRef;
  /** Validates the PR's range: `validateRepository` over the controller's repository. */
  validate(range: { baseSha: string; headSha: string }): Promise<RepositoryValidation>;
}

/**
 * The receiver's `onPullRequest`: fills in base and head when the event did not carry them
 * (an issue comment), then reports a check run, the PR comment and a commit status.
 */
export function createPullRequestReporter(options: PullRequestReporterOptions): (pull: { number: number; baseSha?: string; headSha?: string }) => Promise<void> {
  return async (pull) => {
    const range = pull.baseSha && pull.headSha ? { baseSha: pull.baseSha, headSha: pull.headSha } : await getPullRequest(options.octokit, options.repository, pull.number);
    await publishValidation(options.octokit, { repository: options.repository, headSha: range.headSha, pullNumber: pull.number }, () => options.validate(range), {
      comment: true,
      status: true,
      fullReport: 'the check run `orchestrate/validate`; `orchestrate validate repo --output sarif` writes it as SARIF',
    });
  };
}
