import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Octokit } from '@octokit/rest';
import { findingsToAnnotations } from '../../src/github/annotations.js';
import { completeCheckRun, createCheckRun } from '../../src/github/check-runs.js';
import { setCommitStatus } from '../../src/github/commit-status.js';
import { createGithubClient } from '../../src/github/github-client.js';
import { COMMENT_MARKER, composeComment, MAX_COMMENT_LENGTH, upsertPullRequestComment } from '../../src/github/pull-request-comment.js';
import { listPullRequestFiles } from '../../src/github/pull-requests.js';
import type { Finding } from '../../src/validate/finding.js';
import { startGithubApiServer, type GithubApiServer } from '../helpers/github-api-server.js';

const repository = { owner: 'octo-org', repo: 'pipelines' };
const SHA = 'a'.repeat(40);
let server: GithubApiServer;
let octokit: Octokit;

beforeAll(async () => {
  server = await startGithubApiServer();
  octokit = createGithubClient({ token: 'test-token', baseUrl: server.url });
});
afterAll(() => server.stop());
afterEach(() => {
  expect(server.violations).toEqual([]);
});
beforeEach(() => {
  server.state.checkRuns.length = 0;
  server.state.comments.length = 0;
  server.requests.length = 0;
});

function finding(line: number, severity: Finding['severity'] = 'error'): Finding {
  return { rule: 'structure/unknown-key', severity, message: `problem on line ${line}`, file: 'pipelines/etl.yaml', line, column: 3, endLine: line, endColumn: 9, help: 'Remove the key.' };
}

describe('check runs', () => {
  it('completes with a failure conclusion and every annotation on its line', async () => {
    const id = await createCheckRun(octokit, repository, SHA);
    const annotations = findingsToAnnotations([finding(4), finding(9, 'warning'), finding(12, 'note')], { validatedRoot: '/repo', repositoryRoot: '/repo' });
    await completeCheckRun(octokit, repository, id, { conclusion: 'failure', title: '1 error', summary: 'summary', annotations });
    const [run] = server.state.checkRuns;
    expect(run).toMatchObject({ name: 'orchestrate/validate', headSha: SHA, status: 'completed', conclusion: 'failure' });
    expect(run?.annotations.map((a) => [a.path, a.start_line, a.end_line, a.annotation_level])).toEqual([
      ['pipelines/etl.yaml', 4, 4, 'failure'],
      ['pipelines/etl.yaml', 9, 9, 'warning'],
      ['pipelines/etl.yaml', 12, 12, 'notice'],
    ]);
    expect(server.violations).toEqual([]);
  });

  it('sends more than 50 annotations in batches of at most 50', async () => {
    const id = await createCheckRun(octokit, repository, SHA);
    const annotations = findingsToAnnotations(Array.from({ length: 120 }, (_, index) => finding(index + 1)), { validatedRoot: '/repo', repositoryRoot: '/repo' });
    await completeCheckRun(octokit, repository, id, { conclusion: 'failure', title: '120 errors', summary: 's', annotations });
    const [run] = server.state.checkRuns;
    expect(run?.annotations).toHaveLength(120);
    expect(run?.annotations.at(-1)?.start_line).toBe(120);
    expect(run?.annotationRequests).toBe(3);
    expect(run?.conclusion).toBe('failure');
    expect(server.violations).toEqual([]);
  });

  it('maps paths relative to the repository root when the validated root is a subdirectory', () => {
    const [annotation] = findingsToAnnotations([{ ...finding(2), file: 'etl.yaml' }], { validatedRoot: '/repo/pipelines', repositoryRoot: '/repo' });
    expect(annotation?.path).toBe('pipelines/etl.yaml');
  });
});

describe('the test server', () => {
  it('refuses a completed check run without a conclusion, and unknown operations', async () => {
    const before = server.violations.length;
    await expect(octokit.rest.checks.create({ ...repository, name: 'x', head_sha: SHA, status: 'completed' })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.request('POST /repos/{owner}/{repo}/no-such-thing', repository)).rejects.toMatchObject({ status: 422 });
    await expect(octokit.request('POST /repos/{owner}/{repo}/check-runs', { ...repository, name: 'x', head_sha: 7 as unknown as string })).rejects.toMatchObject({ status: 422 });
    expect(server.violations.slice(before).map((v) => v.message)).toEqual([
      'checks/create: a check run marked completed needs a conclusion',
      'POST /repos/octo-org/pipelines/no-such-thing is not an operation in GitHub\'s REST API description',
      'checks/create: body/head_sha must be string',
    ]);
    server.violations.length = before;
  });
});

describe('the pull-request comment', () => {
  it('is created once and then updated in place', async () => {
    server.state.comments.push({ id: 1, issueNumber: 7, body: 'someone else', updates: 0 });
    const first = await upsertPullRequestComment(octokit, repository, 7, composeComment('first run', 'results.sarif'));
    const second = await upsertPullRequestComment(octokit, repository, 7, composeComment('second run', 'results.sarif'));
    expect(first.action).toBe('created');
    expect(second).toEqual({ id: first.id, action: 'updated' });
    const ours = server.state.comments.filter((comment) => comment.body.startsWith(COMMENT_MARKER));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toBe(`${COMMENT_MARKER}\nsecond run`);
    expect(server.violations).toEqual([]);
  });

  it('finds our comment past the first page of comments', async () => {
    for (let index = 0; index < 130; index++) server.state.comments.push({ id: 10_000 + index, issueNumber: 8, body: `comment ${index}`, updates: 0 });
    const created = await upsertPullRequestComment(octokit, repository, 8, composeComment('ours', 'results.sarif'));
    const again = await upsertPullRequestComment(octokit, repository, 8, composeComment('ours again', 'results.sarif'));
    expect(again).toEqual({ id: created.id, action: 'updated' });
  });

  it('truncates a body over 65,536 characters with a note pointing at the SARIF', async () => {
    const markdown = Array.from({ length: 5000 }, (_, index) => `| pipelines/p${index}.yaml | changed | 3 tasks |`).join('\n');
    expect(markdown.length).toBeGreaterThan(MAX_COMMENT_LENGTH);
    const body = composeComment(markdown, 'the SARIF file `results.sarif`');
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body).toContain('**This report was truncated**');
    expect(body).toContain('The full report is in the SARIF file `results.sarif`.');
    expect(body.split('\n').at(-5)).toMatch(/^\| pipelines\/p\d+\.yaml \| changed \| 3 tasks \|$/);
    await upsertPullRequestComment(octokit, repository, 9, body);
    expect(server.state.comments.find((comment) => comment.issueNumber === 9)?.body).toBe(body);
    expect(server.violations).toEqual([]);
  });
});

describe('rate limits', () => {
  it('waits out Retry-After and retries', async () => {
    server.injectRateLimit({ kind: 'retry-after', seconds: 1 });
    await setCommitStatus(octokit, repository, SHA, { state: 'success', context: 'orchestrate/validate', description: 'No problems' });
    expect(server.state.statuses.at(-1)).toMatchObject({ sha: SHA, state: 'success', context: 'orchestrate/validate' });
  });

  it('waits for x-ratelimit-reset when the remaining count is 0', async () => {
    server.injectRateLimit({ kind: 'reset', seconds: 1 });
    const id = await createCheckRun(octokit, repository, SHA);
    expect(server.state.checkRuns.map((run) => run.id)).toEqual([id]);
  });

  it('gives up with a clear message after the bounded retries', async () => {
    const impatient = createGithubClient({ token: 't', baseUrl: server.url, rateLimit: { maxRetries: 1, maxWaitMs: 5000 } });
    server.injectRateLimit({ kind: 'retry-after', seconds: 0 });
    server.injectRateLimit({ kind: 'retry-after', seconds: 0 });
    await expect(createCheckRun(impatient, repository, SHA)).rejects.toThrow('GitHub kept rate-limiting POST /repos/{owner}/{repo}/check-runs after 1 retries; try again later');
  });
});

describe('GitHub Enterprise Server', () => {
  it('takes the API root from GITHUB_API_URL', async () => {
    await using enterprise = await startGithubApiServer({ pathPrefix: '/api/v3' });
    const previous = process.env.GITHUB_API_URL;
    process.env.GITHUB_API_URL = enterprise.url;
    try {
      const client = createGithubClient({ token: 't' });
      const id = await createCheckRun(client, repository, SHA);
      expect(enterprise.state.checkRuns.map((run) => run.id)).toEqual([id]);
      expect(enterprise.violations).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.GITHUB_API_URL;
      else process.env.GITHUB_API_URL = previous;
    }
  });
});

describe('pull-request files', () => {
  it('lists every page', async () => {
    const files = Array.from({ length: 250 }, (_, index) => `pipelines/p${index}.yaml`);
    server.state.pulls.set(3, { number: 3, headSha: SHA, headRef: 'feature', baseSha: 'b'.repeat(40), baseRef: 'main', files });
    expect(await listPullRequestFiles(octokit, repository, 3)).toEqual(files);
    expect(server.requests.filter((request) => request.operationId === 'pulls/list-files')).toHaveLength(3);
  });
});
