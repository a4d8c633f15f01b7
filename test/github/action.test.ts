import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/github/pull-request-comment.js';
import { startGithubApiServer, type GithubApiServer } from '../helpers/github-api-server.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeTempRepo } from './support/git-repo.js';
import { BAD_PIPELINE, goodPipeline } from './support/pipelines.js';
import { ACTION_BUNDLE, runActionBundle, writePullRequestEvent } from './support/run-action.js';

let server: GithubApiServer;
beforeAll(async () => {
  server = await startGithubApiServer();
});
afterAll(() => server.stop());
afterEach(() => {
  expect(server.violations).toEqual([]);
});

describe('the committed action bundle on a pull_request event', () => {
  it('exists where action.yml points', () => {
    expect(readFileSync(join(ACTION_BUNDLE, '..', '..', 'action.yml'), 'utf8')).toMatch(/using: node24\n\s+main: dist\/index\.mjs/);
    expect(existsSync(ACTION_BUNDLE)).toBe(true);
  });

  it('fails a PR with errors, annotates the lines, comments once, and updates that comment on the next push', async () => {
    using repo = makeTempRepo();
    using scratch = makeTempDir();
    const base = repo.commit({ 'pipelines/good.yaml': goodPipeline('good') });
    repo.git('checkout', '-q', '-b', 'feature');
    const head = repo.commit({ 'pipelines/bad.yaml': BAD_PIPELINE, 'docs/notes.md': 'not a pipeline\n' });
    const pull = { number: 7, baseSha: base, headSha: head };
    const inputs = { 'github-token': 'ghs_test', 'sarif-file': 'out/results.sarif' };

    const first = await runActionBundle({ workspace: repo.path, eventPath: writePullRequestEvent(scratch.path, pull), eventName: 'pull_request', sha: head, apiUrl: server.url, scratch: scratch.path, inputs });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(1);
    expect(first.stdout).toContain('::error::2 errors in the pipelines');
    const failed = server.state.checkRuns.find((run) => run.headSha === head);
    expect(failed).toMatchObject({ name: 'orchestrate/validate', status: 'completed', conclusion: 'failure', title: '2 errors, 0 warnings in 1 pipeline file' });
    expect(failed?.annotations.map((a) => [a.path, a.start_line, a.annotation_level])).toEqual([
      ['pipelines/bad.yaml', 7, 'failure'],
      ['pipelines/bad.yaml', 11, 'failure'],
    ]);
    expect(first.outputs).toEqual({ errors: '2', warnings: '0', 'sarif-file': join(repo.path, 'out', 'results.sarif') });
    const sarif = JSON.parse(readFileSync(join(repo.path, 'out', 'results.sarif'), 'utf8')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(sarif.runs[0]?.results.map((result) => `${result.locations[0]?.physicalLocation.artifactLocation.uri}:${result.locations[0]?.physicalLocation.region.startLine}`)).toEqual(['pipelines/bad.yaml:7', 'pipelines/bad.yaml:11']);
    expect(first.summary).toContain('`pipelines/bad.yaml:7:');
    const comments = () => server.state.comments.filter((comment) => comment.issueNumber === 7);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(comments()[0]?.body).toContain('pipelines/bad.yaml');

    const fixed = repo.commit({ 'pipelines/bad.yaml': goodPipeline('fixed') });
    const second = await runActionBundle({ workspace: repo.path, eventPath: writePullRequestEvent(scratch.path, { ...pull, headSha: fixed }), eventName: 'pull_request', sha: fixed, apiUrl: server.url, scratch: scratch.path, inputs });
    expect(second.status).toBe(0);
    expect(server.state.checkRuns.find((run) => run.headSha === fixed)).toMatchObject({ status: 'completed', conclusion: 'success', annotations: [] });
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.updates).toBe(1);
    expect(comments()[0]?.body).toContain('Pipeline validation: 0 errors, 0 warnings in 1 pipeline');
    expect(comments()[0]?.body.split(COMMENT_MARKER)).toHaveLength(2);
    expect(second.outputs.errors).toBe('0');
  });

  it('passes a clean PR', async () => {
    using repo = makeTempRepo();
    using scratch = makeTempDir();
    const base = repo.commit({ 'pipelines/good.yaml': goodPipeline('good') });
    const head = repo.commit({ 'pipelines/more/also-good.yml': goodPipeline('also_good') });
    const result = await runActionBundle({ workspace: repo.path, eventPath: writePullRequestEvent(scratch.path, { number: 8, baseSha: base, headSha: head }), eventName: 'pull_request', sha: head, apiUrl: server.url, scratch: scratch.path, inputs: { 'github-token': 'ghs_test' } });
    expect(result.status).toBe(0);
    expect(server.state.checkRuns.find((run) => run.headSha === head)).toMatchObject({ conclusion: 'success', title: '1 pipeline file valid' });
    expect(server.state.comments.filter((comment) => comment.issueNumber === 8)).toHaveLength(1);
    expect(result.outputs).toMatchObject({ errors: '0', warnings: '0' });
    expect(existsSync(join(repo.path, 'orchestrate.sarif'))).toBe(true);
  });

  it('without a token only validates, writes SARIF and the summary, and says so', async () => {
    using repo = makeTempRepo();
    using scratch = makeTempDir();
    const base = repo.commit({ 'pipelines/good.yaml': goodPipeline('good') });
    const head = repo.commit({ 'pipelines/bad.yaml': BAD_PIPELINE });
    const before = server.requests.length;
    const result = await runActionBundle({ workspace: repo.path, eventPath: writePullRequestEvent(scratch.path, { number: 9, baseSha: base, headSha: head }), eventName: 'pull_request', sha: head, apiUrl: server.url, scratch: scratch.path });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('No github-token given: validating only, without a check run or a PR comment');
    expect(server.requests.length).toBe(before);
    expect(result.summary).toContain('2 errors');
    expect(existsSync(join(repo.path, 'orchestrate.sarif'))).toBe(true);
  });

  it('with a read-only token (a fork\'s PR) warns, validates, and still fails on errors', async () => {
    using repo = makeTempRepo();
    using scratch = makeTempDir();
    const base = repo.commit({ 'pipelines/good.yaml': goodPipeline('good') });
    const head = repo.commit({ 'pipelines/bad.yaml': BAD_PIPELINE });
    server.injectForbidden();
    const result = await runActionBundle({ workspace: repo.path, eventPath: writePullRequestEvent(scratch.path, { number: 11, baseSha: base, headSha: head }), eventName: 'pull_request', sha: head, apiUrl: server.url, scratch: scratch.path, inputs: { 'github-token': 'ghs_read_only' } });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::warning::The token may not write check runs or comments (Resource not accessible by integration');
    expect(server.state.checkRuns.find((run) => run.headSha === head)).toBeUndefined();
    expect(result.outputs.errors).toBe('2');
    expect(existsSync(join(repo.path, 'orchestrate.sarif'))).toBe(true);
  });

  it('on a push whose base the checkout lacks, validates every pipeline and says how to fetch it', async () => {
    using repo = makeTempRepo();
    using scratch = makeTempDir();
    const head = repo.commit({ 'pipelines/good.yaml': goodPipeline('good'), 'pipelines/nested/bad.yml': BAD_PIPELINE });
    const event = { ...JSON.parse(readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'github', 'push.json'), 'utf8')), before: 'e'.repeat(40), after: head };
    const eventPath = scratch.write('push.json', JSON.stringify(event));
    const result = await runActionBundle({ workspace: repo.path, eventPath, eventName: 'push', sha: head, apiUrl: server.url, scratch: scratch.path, inputs: { 'github-token': 'ghs_test' } });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`::warning::The base commit ${'e'.repeat(12)} is not in the checkout, so every pipeline was validated; use \`actions/checkout\` with \`fetch-depth: 0\` to validate only the change.`);
    expect(server.state.checkRuns.find((run) => run.headSha === head)).toMatchObject({ conclusion: 'failure', title: '2 errors, 0 warnings in 2 pipeline files' });
    expect(result.summary).toContain('fetch-depth: 0');
  });

  it('names a bad input and how to fix it', async () => {
    using repo = makeTempRepo();
    using scratch = makeTempDir();
    const head = repo.commit({ 'pipelines/good.yaml': goodPipeline('good') });
    const result = await runActionBundle({ workspace: repo.path, eventPath: writePullRequestEvent(scratch.path, { number: 10, baseSha: head, headSha: head }), eventName: 'pull_request', sha: head, apiUrl: server.url, scratch: scratch.path, inputs: { strict: 'yes' } });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::Input strict must be true or false, got "yes"; fix the `with:` block of the step');
  });
});
