import type { Octokit } from '@octokit/rest';
import type { CheckAnnotation } from './annotations.js';
import type { RepositoryRef } from './github-client.js';

export const CHECK_RUN_NAME = 'orchestrate/validate';
/** The Checks API takes at most this many annotations per request; more go in follow-up updates. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** Longest `output.summary` and `output.text` the Checks API takes. */
export const MAX_OUTPUT_LENGTH = 65_535;

export type CheckConclusion = 'success' | 'failure' | 'neutral';

export interface CheckRunOutcome {
  conclusion: CheckConclusion;
  title: string;
  /** Markdown shown at the top of the check run. */
  summary: string;
  annotations: readonly CheckAnnotation[];
}

/** Opens the check run in progress, so the PR shows the check at once; returns its id. */
export async function createCheckRun(octokit: Octokit, repository: RepositoryRef, headSha: string, name: string = CHECK_RUN_NAME): Promise<number> {
  const { data } = await octokit.rest.checks.create({ ...repository, name, head_sha: headSha, status: 'in_progress', started_at: new Date().toISOString() });
  return data.id;
}

/**
 * Adds the annotations 50 at a time (GitHub appends them on each update) and completes the run
 * with the last batch, so a completed run always carries its conclusion and every annotation.
 */
export async function completeCheckRun(octokit: Octokit, repository: RepositoryRef, checkRunId: number, outcome: CheckRunOutcome): Promise<void> {
  const output = { title: outcome.title, summary: truncate(outcome.summary, MAX_OUTPUT_LENGTH) };
  const batches = chunk(outcome.annotations, ANNOTATIONS_PER_REQUEST);
  const last = batches.pop() ?? [];
  for (const annotations of batches) {
    await octokit.rest.checks.update({ ...repository, check_run_id: checkRunId, output: { ...output, annotations: [...annotations] } });
  }
  await octokit.rest.checks.update({
    ...repository,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: outcome.conclusion,
    completed_at: new Date().toISOString(),
    output: { ...output, ...(last.length > 0 ? { annotations: [...last] } : {}) },
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

function truncate(text: string, limit: number): string {
  const note = '\n\n… (truncated)';
  return text.length <= limit ? text : text.slice(0, limit - note.length) + note;
}
