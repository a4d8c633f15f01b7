import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { startGithubApiServer } from '../../test/helpers/github-api-server.js';
import { makeBenchRepo } from '../gitops/git-repo.js';
import { percentile } from '../measure.js';
import type { BenchSuite } from '../suite.js';
import { measurePullRequests, pipelineFile, pipelinePath, type ScenarioTimings } from './pull-request-check.js';

const SCENARIOS = [
  { files: 1, touched: 1 },
  { files: 1_000, touched: 1 },
  { files: 1_000, touched: 10 },
  { files: 1_000, touched: 100 },
] as const;

/**
 * Pull-request checks: a signed `pull_request` webhook through the receiver, the reporter and
 * `validateRepository` until the local GitHub API server (which checks every request against
 * GitHub's OpenAPI description) holds a completed check run, in repositories of 1 and 1,000
 * pipelines and for PRs touching 1, 10 and 100 of them.
 */
export const githubSuite: BenchSuite = {
  name: 'github',
  description: 'a pull_request webhook until its check run is completed, against git fetch + parse + one API round trip',
  async run(log, { quick }) {
    const root = mkdtempSync(join(tmpdir(), 'orchestrate-github-bench-'));
    const samples = quick ? 3 : 10;
    const api = await startGithubApiServer();
    try {
      const bases = new Map<number, { repo: Awaited<ReturnType<typeof makeBenchRepo>>; base: string }>();
      const results: { files: number; touched: number; timings: ScenarioTimings }[] = [];
      for (const scenario of SCENARIOS) {
        let origin = bases.get(scenario.files);
        if (!origin) {
          const repo = await makeBenchRepo(join(root, `origin-${scenario.files}`));
          const initial: Record<string, string> = {};
          for (let index = 0; index < scenario.files; index++) initial[pipelinePath(index)] = pipelineFile(index);
          origin = { repo, base: await repo.commit(initial, 'all pipelines') };
          bases.set(scenario.files, origin);
        }
        log(`github: ${scenario.touched} of ${scenario.files} pipeline files touched, ${samples} warm deliveries`);
        const dir = join(root, `pr-${scenario.files}-${scenario.touched}`);
        results.push({ ...scenario, timings: await measurePullRequests({ dir, repo: origin.repo, base: origin.base, touched: scenario.touched, samples, api }) });
      }
      const ms = (values: number[], p: number) => percentile(values, p).toFixed(1);
      const reference = results[0] as (typeof results)[number];
      const rows = results.map(({ files, touched, timings }) => [
        `${touched} of ${files}`,
        ms(timings.floor, 50),
        timings.cold.toFixed(1),
        `${ms(timings.warm, 50)} / ${ms(timings.warm, 99)}`,
        `${(percentile(timings.warm, 50) / percentile(timings.floor, 50)).toFixed(2)}×`,
        `${(percentile(timings.warm, 50) / percentile(reference.timings.warm, 50)).toFixed(2)}×`,
      ]);
      const oneOfThousand = results[1] as (typeof results)[number];
      const proportional = percentile(oneOfThousand.timings.warm, 50) / percentile(reference.timings.warm, 50);
      return {
        tables: [{ title: `pull_request webhook until the check run is completed (${samples} warm deliveries per row; ms, p50 / p99)`, columns: ['files touched', 'floor p50', 'cold', 'warm', 'warm / floor', 'warm / 1 of 1'], rows }],
        targets: [
          { target: 'PR touching 1 of 1,000 pipelines: check run completed in < 1 s (warm p99)', measured: `${ms(oneOfThousand.timings.warm, 99)} ms`, pass: percentile(oneOfThousand.timings.warm, 99) < 1000 },
          { target: '1 touched in 1,000 ≤ 2× a repository of 1 (warm p50)', measured: `${proportional.toFixed(2)}×`, pass: proportional <= 2 },
        ],
        notes: [
          'floor = `git fetch` of the new head into a bare mirror + parsing one changed file + one HTTP round trip to the API server (list comments), timed on the same commit just before each delivery',
          'cold = the first delivery to a fresh receiver: its mirror of the repository is cloned then',
          'timed from the signed POST until the server state holds the completed check run (polled every millisecond); the PR comment and the commit status follow outside the timing',
          `load average at the end: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`,
        ],
      };
    } finally {
      await api.stop();
      await makeWritable(root);
      rmSync(root, { recursive: true, force: true });
    }
  },
};
