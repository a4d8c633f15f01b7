import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateRepository } from '../../src/gitops/validate-repository.js';
import { createGithubClient } from '../../src/github/github-client.js';
import { createPullRequestReporter } from '../../src/github/pull-request-reporter.js';
import { createWebhookReceiver, type WebhookReceiver } from '../../src/github/webhook-receiver.js';
import { startGithubApiServer, type GithubApiServer } from '../helpers/github-api-server.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { countResources, expectNoLeaks, type ResourceCounts } from '../state/leak-guard.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeTempRepo, type TempRepo } from './support/git-repo.js';
import { BAD_PIPELINE, goodPipeline } from './support/pipelines.js';

const SECRET = 'It\'s a Secret to Everybody';
const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'github');
/** The fields of the payload fixtures these tests change or read. */
interface Payload {
  after: string;
  ref: string;
  pull_request: { base: { sha: string }; head: { sha: string } };
  comment: { body: string };
}
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Payload;

let api: GithubApiServer;
let repo: TempRepo;
let workdir: ReturnType<typeof makeTempDir>;
let receiver: WebhookReceiver;
let http: Server;
let url: string;
let base: string;
let head: string;
const pushes: string[] = [];
let resources: ResourceCounts;

beforeAll(async () => {
  resources = countResources();
  api = await startGithubApiServer();
  repo = makeTempRepo();
  workdir = makeTempDir();
  base = repo.commit({ 'pipelines/good.yaml': goodPipeline('good') });
  head = repo.commit({ 'pipelines/bad.yaml': BAD_PIPELINE });
  api.state.pulls.set(7, { number: 7, baseSha: base, headSha: head, headRef: 'feature', baseRef: 'main', files: ['pipelines/bad.yaml'] });
  const octokit = createGithubClient({ token: 'ghs_test', baseUrl: api.url });
  receiver = createWebhookReceiver({
    secret: SECRET,
    repository: { owner: 'octo-org', repo: 'pipelines' },
    onPush: async (sha) => {
      pushes.push(sha);
    },
    onPullRequest: createPullRequestReporter({
      octokit,
      repository: { owner: 'octo-org', repo: 'pipelines' },
      validate: (range) => validateRepository({ repo: repo.path, base: range.baseSha, head: range.headSha, workdir: workdir.path }),
    }),
  });
  http = createServer((request, response) => receiver.handle(request, response));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const address = http.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/webhooks/github`;
});
afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  await api.stop();
  repo[Symbol.dispose]();
  workdir[Symbol.dispose]();
  // The queued work, the receiver's server and the API server leave nothing running.
  await expectNoLeaks(resources);
});
afterEach(() => {
  expect(api.violations).toEqual([]);
});

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function deliver(event: string, payload: unknown, headers: { signature?: string | null; delivery?: string } = {}): Promise<{ status: number; message: string }> {
  const body = JSON.stringify(payload);
  const signature = headers.signature === undefined ? sign(body) : headers.signature;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': headers.delivery ?? randomUUID(), ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    body,
  });
  return { status: response.status, message: ((await response.json()) as { message: string }).message };
}

function pullRequestEvent(name: string) {
  const payload = fixture(name);
  payload.pull_request.base.sha = base;
  payload.pull_request.head.sha = head;
  return payload;
}

describe('signatures', () => {
  it('refuses a wrong signature with 401', async () => {
    const payload = fixture('push');
    expect(await deliver('push', payload, { signature: sign(JSON.stringify(payload), 'not the secret') })).toEqual({ status: 401, message: 'X-Hub-Signature-256 does not match: the webhook secret differs from the controller\'s' });
    expect(await deliver('push', payload, { signature: 'sha256=nothex' })).toMatchObject({ status: 401 });
  });

  it('refuses a missing signature with 401', async () => {
    expect(await deliver('push', fixture('push'), { signature: null })).toEqual({ status: 401, message: 'Missing X-Hub-Signature-256: set the webhook secret in the repository settings' });
  });

  it('accepts a valid signature and acts on a replayed delivery id only once', async () => {
    pushes.length = 0;
    const delivery = randomUUID();
    expect(await deliver('push', fixture('push'), { delivery })).toEqual({ status: 202, message: 'Queued push' });
    expect(await deliver('push', fixture('push'), { delivery })).toEqual({ status: 200, message: `Delivery ${delivery} was already received` });
    await receiver.idle();
    expect(pushes).toEqual([fixture('push').after]);
  });
});

describe('events', () => {
  it('ignores pushes to other branches and closed pull requests', async () => {
    pushes.length = 0;
    expect(await deliver('push', { ...fixture('push'), ref: 'refs/heads/feature' })).toEqual({ status: 200, message: 'Ignored: push to refs/heads/feature, not main' });
    expect(await deliver('pull_request', fixture('pull_request.closed'))).toEqual({ status: 200, message: 'Ignored: pull_request closed changes no code' });
    await receiver.idle();
    expect(pushes).toEqual([]);
  });

  it('validates an opened pull request and reports a check run, one comment and a commit status', async () => {
    expect(await deliver('pull_request', pullRequestEvent('pull_request.opened'))).toEqual({ status: 202, message: 'Queued pull-request' });
    await receiver.idle();
    const run = api.state.checkRuns.find((candidate) => candidate.headSha === head);
    expect(run).toMatchObject({ name: 'orchestrate/validate', conclusion: 'failure' });
    expect(run?.annotations.map((annotation) => `${annotation.path}:${annotation.start_line}`)).toEqual(['pipelines/bad.yaml:7', 'pipelines/bad.yaml:11']);
    expect(api.state.comments.filter((comment) => comment.issueNumber === 7)).toHaveLength(1);
    expect(api.state.statuses.at(-1)).toMatchObject({ sha: head, state: 'failure', context: 'orchestrate/validate', description: '2 errors, 0 warnings in 1 pipeline file' });
  });

  it('re-runs the validation for a "/orchestrate validate" comment, updating the same PR comment', async () => {
    const runsBefore = api.state.checkRuns.length;
    expect(await deliver('issue_comment', fixture('issue_comment.created'))).toEqual({ status: 202, message: 'Queued pull-request-comment' });
    await receiver.idle();
    expect(api.state.checkRuns.length).toBe(runsBefore + 1);
    expect(api.requests.some((request) => request.operationId === 'pulls/get')).toBe(true);
    const comments = api.state.comments.filter((comment) => comment.issueNumber === 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.updates).toBeGreaterThanOrEqual(1);
  });

  it('completes the check run as failed when validation cannot run', async () => {
    const payload = pullRequestEvent('pull_request.synchronize');
    payload.pull_request.head.sha = 'd'.repeat(40);
    expect(await deliver('pull_request', payload)).toEqual({ status: 202, message: 'Queued pull-request' });
    await receiver.idle();
    const run = api.state.checkRuns.find((candidate) => candidate.headSha === 'd'.repeat(40));
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure', title: 'Validation could not run' });
    expect(api.state.statuses.at(-1)).toMatchObject({ sha: 'd'.repeat(40), state: 'error' });
  });

  it('ignores comments without the command', async () => {
    const payload = fixture('issue_comment.created');
    payload.comment.body = 'LGTM';
    expect(await deliver('issue_comment', payload)).toEqual({ status: 200, message: 'Ignored: comment without /orchestrate validate' });
  });
});
