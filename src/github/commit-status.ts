import type { Octokit } from '@octokit/rest';
import type { RepositoryRef } from './github-client.js';

export type CommitState = 'error' | 'failure' | 'pending' | 'success';

/** GitHub cuts status descriptions at 140 characters; we cut first so the text ends cleanly. */
const MAX_DESCRIPTION = 140;

/** Sets the commit status `context` on `sha` (branch protection can require it). */
export async function setCommitStatus(octokit: Octokit, repository: RepositoryRef, sha: string, status: { state: CommitState; context: string; description: string; targetUrl?: string }): Promise<void> {
  const description = status.description.length > MAX_DESCRIPTION ? `${status.description.slice(0, MAX_DESCRIPTION - 1)}…` : status.description;
  await octokit.rest.repos.createCommitStatus({ ...repository, sha, state: status.state, context: status.context, description, ...(status.targetUrl ? { target_url: status.targetUrl } : {}) });
}
