import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validateRepository } from '../../src/gitops/validate-repository.js';
import { parsePipelineBlob } from '../../src/gitops/repository-paths.js';
import { createGithubClient } from '../../src/github/github-client.js';
import { createPullRequestReporter } from '../../src/github/pull-request-reporter.js';
import { createWebhookReceiver } from '../../src/github/webhook-receiver.js';
import type { GithubApiServer } from '../../test/helpers/github-api-server.js';
import type { BenchRepo } from '../gitops/git-repo.js';

const run = promisify(execFile);
const SECRET = 'bench webhook secret';
const REPOSITORY = { owner: 'octo-org', repo: 'pipelines' };

/** Pipeline `index`: one `true` task; `revision` is what each PR changes. */
export function pipelineFile(index: number, revision = 0): string {
  return `version: "2.1"
name: ${pipelineName(index)}
description: "pipeline ${index}, revision ${revision}"
stages:
  - name: main
    tasks:
      - { name: work, type: shell, command: "true" }
`;
}

export function pipelinePath(index: number): string {
  return `pipelines/${pipelineName(index)}.yaml`;
}

function pipelineName(index: number): string {
  return `p${String(index).padStart(4, '0')}`;
}

/** Timings of one scenario, in milliseconds; `cold` is the first delivery to a fresh receiver (its mirror is cloned then). */
export interface ScenarioTimings {
  cold: number;
  warm: number[];
  floor: number[];
}

/**
 * Delivers `samples + 1` signed `pull_request` events to a real receiver over HTTP, each for a
 * new head commit changing `touched` pipelines off the same base, and times each from the POST
 * until the API server holds a completed check run for that head. The floor is measured just
 * before each delivery on the same commit: a `git fetch` of it into a bare mirror, parsing one
 * changed file, and one HTTP round trip to the API server.
 */
export async function measurePullRequests(options: { dir: string; repo: BenchRepo; base: string; touched: number; samples: number; api: GithubApiServer }): Promise<ScenarioTimings> {
  const { repo, api } = options;
  const payload = JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'github', 'pull_request.opened.json'), 'utf8')) as { pull_request: { base: { sha: string }; head: { sha: string } } };
  const receiver = createWebhookReceiver({
    secret: SECRET,
    repository: REPOSITORY,
    onPush: () => Promise.resolve(),
    onPullRequest: createPullRequestReporter({
      octokit: createGithubClient({ token: 'ghs_bench', baseUrl: api.url }),
      repository: REPOSITORY,
      validate: (range) => validateRepository({ repo: repo.path, base: range.baseSha, head: range.headSha, workdir: join(options.dir, 'work') }),
    }),
  });
  const http = createServer((request, response) => receiver.handle(request, response));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const address = http.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/webhooks/github`;
  const floorMirror = join(options.dir, 'floor.git');
  await run('git', ['init', '--quiet', '--bare', floorMirror]);
  await fetchInto(floorMirror, repo);

  const timings: ScenarioTimings = { cold: 0, warm: [], floor: [] };
  try {
    for (let sample = 0; sample <= options.samples; sample++) {
      await repo.git('checkout', '--quiet', '-B', `pr-${options.touched}`, options.base);
      const changes: Record<string, string> = {};
      for (let index = 0; index < options.touched; index++) changes[pipelinePath(index)] = pipelineFile(index, sample + 1);
      const head = await repo.commit(changes, `touch ${options.touched}, revision ${sample + 1}`);
      const floor = await measureFloor(floorMirror, repo, head, api);
      payload.pull_request.base.sha = options.base;
      payload.pull_request.head.sha = head;
      const body = JSON.stringify(payload);
      const start = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
        body,
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`the receiver answered ${response.status} to the pull_request delivery`);
      await waitForCompletedCheckRun(api, head);
      const elapsed = performance.now() - start;
      // The comment and the commit status follow the check run; let them finish outside the timing.
      await receiver.idle();
      if (api.violations.length > 0) throw new Error(`the API server refused requests: ${JSON.stringify(api.violations)}`);
      if (sample === 0) timings.cold = elapsed;
      else {
        timings.warm.push(elapsed);
        timings.floor.push(floor);
      }
    }
  } finally {
    await new Promise((resolve) => http.close(resolve));
    await repo.git('checkout', '--quiet', 'main');
  }
  return timings;
}

/** Polls the server's state every millisecond: the check run is completed by a PATCH the server has already applied. */
async function waitForCompletedCheckRun(api: GithubApiServer, head: string): Promise<void> {
  for (;;) {
    const checkRun = api.state.checkRuns.find((candidate) => candidate.headSha === head);
    if (checkRun?.status === 'completed') return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function measureFloor(mirror: string, repo: BenchRepo, head: string, api: GithubApiServer): Promise<number> {
  const start = performance.now();
  await fetchInto(mirror, repo);
  const { stdout } = await run('git', ['--git-dir', mirror, 'cat-file', 'blob', `${head}:${pipelinePath(0)}`], { encoding: 'buffer' });
  if (!parsePipelineBlob(pipelinePath(0), stdout).pipeline) throw new Error(`${pipelinePath(0)} at ${head} does not parse`);
  const response = await fetch(`${api.url}/repos/${REPOSITORY.owner}/${REPOSITORY.repo}/issues/7/comments`, { headers: { authorization: 'token ghs_bench', accept: 'application/vnd.github+json' } });
  await response.arrayBuffer();
  return performance.now() - start;
}

async function fetchInto(mirror: string, repo: BenchRepo): Promise<void> {
  await run('git', ['--git-dir', mirror, 'fetch', '--quiet', '--no-write-fetch-head', repo.path, '+refs/heads/*:refs/heads/*']);
}
