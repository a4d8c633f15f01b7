import type { Octokit } from '@octokit/rest';
import type { RepositoryRef } from './github-client.js';

/** Hidden first line that lets us find our own comment among a PR's comments. */
export const COMMENT_MARKER = '<!-- orchestrate:validate -->';
/** GitHub refuses issue comments longer than this. */
export const MAX_COMMENT_LENGTH = 65_536;

/**
 * The marker (unless the markdown starts with it already), then the markdown; past GitHub's limit the markdown is cut at a line break and a
 * note says how much is missing and where the whole report is (`fullReport`, such as the SARIF file).
 */
export function composeComment(summary: string, fullReport: string): string {
  const markdown = summary.startsWith(`${COMMENT_MARKER}\n`) ? summary.slice(COMMENT_MARKER.length + 1) : summary;
  const body = `${COMMENT_MARKER}\n${markdown}`;
  if (body.length <= MAX_COMMENT_LENGTH) return body;
  const note = (shown: number) => `\n\n---\n**This report was truncated** (${shown.toLocaleString('en-US')} of ${markdown.length.toLocaleString('en-US')} characters shown, GitHub allows ${MAX_COMMENT_LENGTH.toLocaleString('en-US')} in a comment). The full report is in ${fullReport}.\n`;
  const room = MAX_COMMENT_LENGTH - COMMENT_MARKER.length - 1 - note(markdown.length).length;
  let cut = markdown.lastIndexOf('\n', room);
  if (cut < room / 2) cut = room;
  const shown = markdown.slice(0, cut);
  return `${COMMENT_MARKER}\n${shown}${note(shown.length)}`;
}

/** Creates our one comment on the PR, or updates it in place when a comment with the marker exists. */
export async function upsertPullRequestComment(octokit: Octokit, repository: RepositoryRef, issueNumber: number, body: string): Promise<{ id: number; action: 'created' | 'updated' }> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repository, issue_number: issueNumber, per_page: 100 });
  const ours = comments.find((comment) => comment.body?.startsWith(COMMENT_MARKER));
  if (ours) {
    await octokit.rest.issues.updateComment({ ...repository, comment_id: ours.id, body });
    return { id: ours.id, action: 'updated' };
  }
  const { data } = await octokit.rest.issues.createComment({ ...repository, issue_number: issueNumber, body });
  return { id: data.id, action: 'created' };
}
