import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { localCapacity, ResourcePool } from '../../src/engine/resource-pool.js';
import { Controller } from '../../src/gitops/controller/controller.js';
import { DeployRuns } from '../../src/gitops/controller/deploy-runs.js';
import { DeploymentLedger } from '../../src/gitops/deployments/deployment-ledger.js';
import { GitSource } from '../../src/gitops/git-source.js';
import { parsePipelineBlob } from '../../src/gitops/repository-paths.js';
import { openStateStore } from '../../src/state/open-store.js';
import { spawnTrue } from '../engine/floors.js';
import { percentile } from '../measure.js';
import type { Table, TargetResult } from '../suite.js';
import { makeBenchRepo, type BenchRepo } from './git-repo.js';

const run = promisify(execFile);
const CHANGED = 'pipelines/p0000.yaml';

/** Pipeline `index`: one `true` task; the first asks to run on deploy, and `revision` is what each push changes. */
function pipelineFile(index: number, revision = 0): string {
  const name = `p${String(index).padStart(4, '0')}`;
  return `version: "2.1"
name: ${name}
description: "pipeline ${index}, revision ${revision}"
${index === 0 ? 'deploy: { on_merge: run }\n' : ''}stages:
  - name: main
    tasks:
      - { name: work, type: shell, command: "true" }
`;
}

interface SizeResult {
  files: number;
  floor: number[];
  deployed: number[];
  firstTask: number[];
}

export interface ReconcileBench {
  tables: Table[];
  targets: TargetResult[];
  notes: string[];
}

/**
 * B3: one changed pipeline pushed into a repository of `files` pipelines; `controller sync`
 * (the Controller's reconcile, with the real GitSource, validation and versions) timed until the
 * new deployment is recorded active and until the first task of the deploy-triggered execution
 * starts. The floor, measured on the same commit: `git fetch` of it into a bare mirror, parsing
 * the changed file, and one spawn.
 */
export async function benchReconcile(root: string, log: (line: string) => void, options: { samples: number; sizes: readonly number[] }): Promise<ReconcileBench> {
  const results: SizeResult[] = [];
  for (const files of options.sizes) {
    log(`gitops: B3 reconcile, ${files} pipeline file${files === 1 ? '' : 's'}, ${options.samples} pushes`);
    results.push(await measureSize(join(root, `b3-${files}`), files, options.samples));
  }
  const ms = (values: number[], p: number) => percentile(values, p).toFixed(1);
  const smallest = results[0] as SizeResult;
  const largest = results.at(-1) as SizeResult;
  const rows = results.map((result) => [
    String(result.files),
    ms(result.floor, 50),
    `${ms(result.deployed, 50)} / ${ms(result.deployed, 99)}`,
    `${ms(result.firstTask, 50)} / ${ms(result.firstTask, 99)}`,
    `${(percentile(result.deployed, 50) / percentile(result.floor, 50)).toFixed(2)}×`,
    `${(percentile(result.firstTask, 50) / percentile(result.floor, 50)).toFixed(2)}×`,
    `${(percentile(result.firstTask, 50) / percentile(smallest.firstTask, 50)).toFixed(2)}×`,
  ]);
  const proportional = percentile(largest.firstTask, 50) / percentile(smallest.firstTask, 50);
  const floorRatio = percentile(largest.firstTask, 50) / percentile(largest.floor, 50);
  return {
    tables: [
      {
        title: `B3: one changed pipeline pushed, \`controller sync\` (${options.samples} pushes per size; ms p50 / p99)`,
        columns: ['pipeline files', 'floor p50', 'deployment active', 'first task started', 'active / floor', 'first task / floor', `first task / ${smallest.files} file`],
        rows,
      },
    ],
    targets: [
      { target: `first task p99 < 1 s with ${largest.files} files (sync)`, measured: `${ms(largest.firstTask, 99)} ms`, pass: percentile(largest.firstTask, 99) < 1000 },
      { target: `1 changed file in ${largest.files} ≤ 2× a repository of ${smallest.files} (first task p50)`, measured: `${proportional.toFixed(2)}×`, pass: proportional <= 2 },
      { target: `≤ 1.5× the floor with ${largest.files} files (first task p50)`, measured: `${floorRatio.toFixed(2)}×`, pass: floorRatio <= 1.5 },
    ],
    notes: [
      'floor = `git fetch` of the one new commit into a bare mirror + parsing the changed file + one spawn of `/bin/true`, timed on the same commit just before each sync',
      'with polling instead of sync, a push waits on average half the interval more (15 s at the default 30 s) before the same work starts; not measured',
    ],
  };
}

async function measureSize(dir: string, files: number, samples: number): Promise<SizeResult> {
  const repo = await makeBenchRepo(join(dir, 'origin'));
  const initial: Record<string, string> = {};
  for (let index = 0; index < files; index++) initial[`pipelines/p${String(index).padStart(4, '0')}.yaml`] = pipelineFile(index);
  await repo.commit(initial, 'all pipelines');
  const workdir = join(dir, 'work');
  const floorMirror = join(dir, 'floor.git');
  await run('git', ['init', '--quiet', '--bare', floorMirror]);
  await fetchInto(floorMirror, repo);

  const logger = pino({ level: 'silent' });
  const source = new GitSource({ repo: repo.path, workdir });
  await using store = await openStateStore({ backend: 'file', workdir });
  const ledger = new DeploymentLedger(store, source.display, 'main');
  const owner = `bench:${process.pid}`;
  const runs = new DeployRuns({ source, store, workdir, logger, owner, env: process.env, secrets: {}, pool: new ResourcePool(localCapacity()) });
  const controller = new Controller({ source, store, ledger, runs, logger, owner });
  await controller.reconcile('sync');
  await runs.idle();

  const result: SizeResult = { files, floor: [], deployed: [], firstTask: [] };
  // One push more than timed: the first warms the mirror's pack and the page cache.
  for (let sample = 0; sample <= samples; sample++) {
    const head = await repo.commit({ [CHANGED]: pipelineFile(0, sample + 1) }, `revision ${sample + 1}`);
    const floor = await measureFloor(floorMirror, repo, head);
    const watching = new AbortController();
    const seen = watchDeploy(store, ledger.ledgerId, head, watching.signal);
    const start = performance.now();
    const outcome = await controller.reconcile('sync');
    if (outcome.outcome !== 'deployed') throw new Error(`push ${sample + 1} was not deployed: ${JSON.stringify(outcome)}`);
    const times = await seen;
    watching.abort();
    await runs.idle();
    if (sample === 0) continue;
    result.floor.push(floor);
    result.deployed.push(times.deployed - start);
    result.firstTask.push(times.firstTask - start);
  }
  await controller.stop();
  return result;
}

/** When the deployment of `head` became durable, and when its execution's first task started. */
async function watchDeploy(store: Awaited<ReturnType<typeof openStateStore>>, ledgerId: string, head: string, signal: AbortSignal): Promise<{ deployed: number; firstTask: number }> {
  let deployed = 0;
  let executions = new Set<string>();
  for await (const event of store.watch({ signal })) {
    if (event.execution_id === ledgerId && event.type === 'deployment.recorded' && event.sha === head) {
      deployed = performance.now();
      executions = new Set((event.executions ?? []).map((entry) => entry.slice(0, entry.indexOf(':'))));
    } else if (event.type === 'task.started' && executions.has(event.execution_id)) {
      return { deployed, firstTask: performance.now() };
    }
  }
  throw new Error('the watch ended before the deploy-triggered task started');
}

async function measureFloor(mirror: string, repo: BenchRepo, head: string): Promise<number> {
  const start = performance.now();
  await fetchInto(mirror, repo);
  const { stdout } = await run('git', ['--git-dir', mirror, 'cat-file', 'blob', `${head}:${CHANGED}`], { encoding: 'buffer' });
  if (!parsePipelineBlob(CHANGED, stdout).pipeline) throw new Error(`${CHANGED} at ${head} does not parse`);
  await spawnTrue();
  return performance.now() - start;
}

async function fetchInto(mirror: string, repo: BenchRepo): Promise<void> {
  await run('git', ['--git-dir', mirror, 'fetch', '--quiet', '--no-write-fetch-head', repo.path, '+refs/heads/*:refs/heads/*']);
}
