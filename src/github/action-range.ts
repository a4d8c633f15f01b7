import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ValidationRange {
  base?: string;
  head: string;
  /** Why the range differs from the event's, for the log and the step summary. */
  notes: string[];
}

/**
 * The event's range, narrowed to commits the checkout has: `actions/checkout` fetches one commit
 * by default, so the PR's base (and head, behind the merge commit) may be missing. Then the
 * checked-out commit is validated in full, and the notes say how to validate only the change.
 */
export async function resolveValidationRange(workspace: string, range: { base?: string; head: string; checkedOut: string }): Promise<ValidationRange> {
  const notes: string[] = [];
  let head = range.head;
  if (!(await hasCommit(workspace, head))) {
    notes.push(`The head commit ${head.slice(0, 12)} is not in the checkout; validated the checked-out commit ${range.checkedOut.slice(0, 12)} instead.`);
    head = range.checkedOut;
  }
  let base = range.base;
  if (base !== undefined && !(await hasCommit(workspace, base))) {
    notes.push(`The base commit ${base.slice(0, 12)} is not in the checkout, so every pipeline was validated; use \`actions/checkout\` with \`fetch-depth: 0\` to validate only the change.`);
    base = undefined;
  }
  return { base, head, notes };
}

async function hasCommit(workspace: string, sha: string): Promise<boolean> {
  try {
    await run('git', ['cat-file', '-e', `${sha}^{commit}`], { cwd: workspace });
    return true;
  } catch {
    return false;
  }
}
