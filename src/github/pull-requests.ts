import type { Octokit } from '@octokit/rest';
import type { RepositoryRef } from './github-client.js';

export interface PullRequestHead {
  number: number;
  baseSha: string;
  headSha: string;
  headRef: string;
}

/** Base and head of a PR, for events (an issue comment) that do not carry them. */
export async function getPullRequest(octokit: Octokit, repository: RepositoryRef, pullNumber: number): Promise<PullRequestHead> {
  const { data } = await octokit.rest.pulls.get({ ...repository, pull_number: pullNumber });
  return { number: data.number, baseSha: data.base.sha, headSha: data.head.sha, headRef: data.head.ref };
}

/** Every file a PR touches, across all pages (GitHub pages them 100 at a time, up to 3,000). */
export async function listPullRequestFiles(octokit: Octokit, repository: RepositoryRef, pullNumber: number): Promise<string[]> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...repository, pull_number: pullNumber, per_page: 100 });
  return files.map((file) => file.filename);
}
