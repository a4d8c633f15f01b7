/** What a verified delivery asks the controller to do. */
export type WebhookWork =
  | { kind: 'push'; sha: string }
  | { kind: 'pull-request'; number: number; baseSha: string; headSha: string }
  | { kind: 'pull-request-comment'; number: number }
  | { kind: 'ignore'; reason: string };

export const VALIDATE_COMMAND = '/orchestrate validate';
const PULL_REQUEST_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);
const ZERO_SHA = /^0{40}$/;

interface Payload {
  action?: string;
  ref?: string;
  after?: string;
  deleted?: boolean;
  repository?: { full_name?: string };
  pull_request?: { number?: number; base?: { sha?: string }; head?: { sha?: string } };
  issue?: { number?: number; pull_request?: unknown };
  comment?: { body?: string };
}

/**
 * Reads an event into the work it calls for: a push to the tracked branch reconciles, a PR
 * opened/synchronized/reopened is validated, a PR comment with `/orchestrate validate` re-runs that.
 * Events about another repository are ignored (one webhook URL may serve an organisation).
 */
export function classifyEvent(event: string, payload: Payload, tracked: { repository: string; branch: string }): WebhookWork {
  const repository = payload.repository?.full_name;
  if (repository && repository.toLowerCase() !== tracked.repository.toLowerCase()) return { kind: 'ignore', reason: `event for ${repository}, not ${tracked.repository}` };
  if (event === 'push') {
    if (payload.ref !== `refs/heads/${tracked.branch}`) return { kind: 'ignore', reason: `push to ${payload.ref ?? 'an unknown ref'}, not ${tracked.branch}` };
    if (payload.deleted || !payload.after || ZERO_SHA.test(payload.after)) return { kind: 'ignore', reason: `${tracked.branch} was deleted` };
    return { kind: 'push', sha: payload.after };
  }
  if (event === 'pull_request') {
    const pull = payload.pull_request;
    if (!PULL_REQUEST_ACTIONS.has(payload.action ?? '')) return { kind: 'ignore', reason: `pull_request ${payload.action ?? ''} changes no code` };
    if (typeof pull?.number !== 'number' || !pull.base?.sha || !pull.head?.sha) return { kind: 'ignore', reason: 'pull_request without number, base or head' };
    return { kind: 'pull-request', number: pull.number, baseSha: pull.base.sha, headSha: pull.head.sha };
  }
  if (event === 'issue_comment') {
    if (payload.action !== 'created' || !payload.issue?.pull_request || typeof payload.issue.number !== 'number') return { kind: 'ignore', reason: 'not a new comment on a pull request' };
    const asks = (payload.comment?.body ?? '').split(/\r?\n/).some((line) => line.trim().startsWith(VALIDATE_COMMAND));
    return asks ? { kind: 'pull-request-comment', number: payload.issue.number } : { kind: 'ignore', reason: `comment without ${VALIDATE_COMMAND}` };
  }
  return { kind: 'ignore', reason: `${event} events are not used` };
}
