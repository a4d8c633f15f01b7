import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeploymentLedger } from '../../src/gitops/deployments/deployment-ledger.js';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { foldExecution } from '../../src/state/fold.js';
import type { ExecutionSummary } from '../../src/state/state-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { brokenPipeline, letterPipeline } from './controller-fixture.js';
import { spawnController, stopController, waitFor, type ControllerProcess } from './controller-process.js';

/** Writes a letter after a short pause, so some kills land while the deploy run is in flight. */
function slowLetter(letter: string): string {
  return `setTimeout(() => require('node:fs').writeFileSync(require('node:path').join(process.env.OUTPUT_DIR, 'out.txt'), ${JSON.stringify(letter)}), 150);\n`;
}

const STEPS: Record<string, string | null>[] = [
  { 'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true }), 'scripts/daily.js': slowLetter('A'), 'pipelines/other.yaml': letterPipeline('other'), 'scripts/other.js': slowLetter('O') },
  { 'pipelines/daily.yaml': brokenPipeline('daily') },
  { 'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true }), 'scripts/daily.js': slowLetter('C') },
  { 'scripts/other.js': slowLetter('P') },
];

interface Side {
  workdir: string;
  store: FileStateStore;
  ledger: DeploymentLedger;
}

/** The head has its deployment (or failed record), and every execution it started has succeeded. */
async function converged(side: Side, head: string): Promise<true | undefined> {
  const record = (await side.ledger.state()).deployments.find((deployment) => deployment.sha === head);
  if (!record) return undefined;
  for (const entry of record.executions) {
    if (foldExecution(await side.store.read(entry.slice(0, entry.indexOf(':')))).status !== 'succeeded') return undefined;
  }
  return true;
}

/** Everything a user could see afterwards, without the ids and clocks that differ run to run. */
async function endState(side: Side) {
  const state = await side.ledger.state();
  const deployments = [];
  for (const deployment of state.deployments) {
    const executions = [];
    for (const entry of deployment.executions) {
      const id = entry.slice(0, entry.indexOf(':'));
      const execution = foldExecution(await side.store.read(id));
      const output = join(side.workdir, 'executions', id, 'output', 'out.txt');
      executions.push({ pipeline: execution.pipeline, status: execution.status, commit_sha: execution.commit_sha, out: existsSync(output) ? readFileSync(output, 'utf8') : null });
    }
    const { id: _id, created_at: _created, ...rest } = deployment;
    deployments.push({ ...rest, executions });
  }
  const all: ExecutionSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await side.store.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    all.push(...page.executions);
    cursor = page.nextCursor;
  } while (cursor);
  const executions = all.map((summary) => `${summary.pipeline}@${summary.commit_sha ?? ''}:${summary.status}:${summary.trigger}`).sort();
  return { active: state.active?.sha ?? null, pin: state.pin, deployments, executions };
}

describe('controller killed with SIGKILL', () => {
  it('ends, after restarts, in the same deployments and executions as an uninterrupted controller', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const args = ['--repo', repo.path, '--interval', '0.2s', '--lease-ttl', '1s'];
    await using calmStore = new FileStateStore({ directory: join(temp.path, 'calm', 'state') });
    await using crashStore = new FileStateStore({ directory: join(temp.path, 'crash', 'state') });
    const calm: Side = { workdir: join(temp.path, 'calm'), store: calmStore, ledger: new DeploymentLedger(calmStore, repo.path, 'main') };
    const crash: Side = { workdir: join(temp.path, 'crash'), store: crashStore, ledger: new DeploymentLedger(crashStore, repo.path, 'main') };
    const kills: number[] = [];
    let calmController: ControllerProcess | undefined;
    let crashController: ControllerProcess | undefined;
    try {
      for (const [index, files] of STEPS.entries()) {
        const head = repo.commit(files, `step ${index + 1}`);
        calmController ??= spawnController(calm.workdir, args);
        for (let kill = 0; kill < 2; kill++) {
          crashController = spawnController(crash.workdir, args);
          // After it listens the reconcile begins at once: a kill in the next moments lands in it or in the run it starts.
          await waitFor(() => (crashController?.output().includes('listening on') ? true : undefined), 'the controller to start');
          // The first kill of a step comes early, the second anywhere in the reconcile and the run it starts.
          const delay = Math.floor(Math.random() * (kill === 0 ? 150 : 600));
          kills.push(delay);
          await new Promise((resolve) => setTimeout(resolve, delay));
          await stopController(crashController, 'SIGKILL');
        }
        crashController = spawnController(crash.workdir, args);
        await waitFor(() => converged(crash, head), `the restarted controller to converge on step ${index + 1} (kills after ${kills.join(', ')} ms)`);
        await stopController(crashController, 'SIGKILL');
        await waitFor(() => converged(calm, head), `the uninterrupted controller to converge on step ${index + 1}`);
      }
      const expected = await endState(calm);
      expect(expected.deployments.map((deployment) => deployment.status)).toEqual(['active', 'superseded', 'failed', 'superseded']);
      expect(expected.executions).toHaveLength(2);
      expect(await endState(crash), `kills after ${kills.join(', ')} ms`).toEqual(expected);
    } finally {
      if (calmController) await stopController(calmController, 'SIGKILL');
      if (crashController) await stopController(crashController, 'SIGKILL');
      await makeWritable(temp.path);
    }
  }, 150_000);
});
