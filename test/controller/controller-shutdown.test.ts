import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeploymentLedger } from '../../src/gitops/deployments/deployment-ledger.js';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { foldExecution } from '../../src/state/fold.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { spawnController, stopController, waitFor } from './controller-process.js';

const HOLD_PIPELINE = `version: "2.1"
name: hold
deploy:
  on_merge: run
stages:
  - name: prepare
    tasks:
      - name: first
        type: node_script
        script: scripts/first.js
  - name: wait
    tasks:
      - name: hold
        type: node_script
        script: scripts/hold.js
`;

/** Waits until `release` exists, then writes `done`: a task that outlives a short grace period. */
function holdScript(release: string): string {
  return `const fs = require('node:fs');
const timer = setInterval(() => {
  if (!fs.existsSync(${JSON.stringify(release)})) return;
  clearInterval(timer);
  fs.writeFileSync(require('node:path').join(process.env.OUTPUT_DIR, 'out.txt'), 'done');
}, 50);
`;
}

describe('controller shutdown', () => {
  it('cancels a running execution after the grace period on SIGTERM, and a restarted controller resumes and finishes it', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const workdir = join(temp.path, 'work');
    const release = join(temp.path, 'release');
    const sha = repo.commit({ 'pipelines/hold.yaml': HOLD_PIPELINE, 'scripts/first.js': 'console.log("first")\n', 'scripts/hold.js': holdScript(release) });
    const args = ['--repo', repo.path, '--interval', '10m', '--grace', '0.3s', '--lease-ttl', '1s'];
    await using store = new FileStateStore({ directory: join(workdir, 'state') });
    const ledger = new DeploymentLedger(store, repo.path, 'main');
    const events = async (id: string) => store.read(id);
    const first = spawnController(workdir, args);
    let second: typeof first | undefined;
    try {
      const id = await waitFor(async () => (await ledger.state()).active?.executions[0]?.split(':')[0], 'the deploy-triggered execution');
      await waitFor(async () => ((await events(id)).some((event) => event.type === 'task.started' && event.task === 'wait.hold') ? true : undefined), 'wait.hold to start');

      expect(await stopController(first, 'SIGTERM')).toEqual({ code: 0, signal: null });
      expect(first.output()).toContain(`cancelled 1 execution (${id}); a restarted controller resumes them`);
      const cancelled = foldExecution(await events(id));
      expect(cancelled).toMatchObject({ status: 'cancelled', commit_sha: sha });
      expect(cancelled.stages.map((stage) => [stage.name, stage.tasks.map((task) => task.status)])).toEqual([['prepare', ['succeeded']], ['wait', ['cancelled']]]);

      // The restart checks the recorded commit out again when the workspace is gone.
      await makeWritable(join(workdir, 'executions', id, 'workspace'));
      rmSync(join(workdir, 'executions', id, 'workspace'), { recursive: true });
      writeFileSync(release, '');
      second = spawnController(workdir, args);
      const finished = await waitFor(async () => {
        const state = foldExecution(await events(id));
        return state.status === 'succeeded' ? state : undefined;
      }, 'the resumed execution to succeed');
      expect(finished).toMatchObject({ commit_sha: sha, trigger: 'deploy' });
      const started = (await events(id)).filter((event) => event.type === 'task.started').map((event) => (event.type === 'task.started' ? event.task : ''));
      expect(started).toEqual(['prepare.first', 'wait.hold', 'wait.hold']);
      expect(readFileSync(join(workdir, 'executions', id, 'output', 'out.txt'), 'utf8')).toBe('done');
      expect(second.output()).toContain(`resuming execution ${id} of hold at ${sha.slice(0, 12)}`);
      expect((await ledger.state()).deployments).toHaveLength(1);
      expect(await stopController(second, 'SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await stopController(first, 'SIGKILL');
      if (second) await stopController(second, 'SIGKILL');
      await makeWritable(temp.path);
    }
  }, 60_000);

  it('resumes, once its lease expires, an execution whose controller was killed while it ran', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const workdir = join(temp.path, 'work');
    const release = join(temp.path, 'release');
    const sha = repo.commit({ 'pipelines/hold.yaml': HOLD_PIPELINE, 'scripts/first.js': 'console.log("first")\n', 'scripts/hold.js': holdScript(release) });
    const args = ['--repo', repo.path, '--interval', '0.2s', '--lease-ttl', '1s'];
    await using store = new FileStateStore({ directory: join(workdir, 'state') });
    const ledger = new DeploymentLedger(store, repo.path, 'main');
    const killed = spawnController(workdir, args);
    let second: typeof killed | undefined;
    try {
      const id = await waitFor(async () => (await ledger.state()).active?.executions[0]?.split(':')[0], 'the deploy-triggered execution');
      await waitFor(async () => ((await store.read(id)).some((event) => event.type === 'task.started' && event.task === 'wait.hold') ? true : undefined), 'wait.hold to start');
      await stopController(killed, 'SIGKILL');
      expect(foldExecution(await store.read(id)).status).toBe('running');
      writeFileSync(release, '');
      second = spawnController(workdir, args);
      await waitFor(async () => (foldExecution(await store.read(id)).status === 'succeeded' ? true : undefined), 'the orphaned execution to be resumed and succeed');
      const started = (await store.read(id)).filter((event) => event.type === 'task.started').map((event) => (event.type === 'task.started' ? event.task : ''));
      expect(started).toEqual(['prepare.first', 'wait.hold', 'wait.hold']);
      expect(foldExecution(await store.read(id)).commit_sha).toBe(sha);
      expect(await stopController(second, 'SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await stopController(killed, 'SIGKILL');
      if (second) await stopController(second, 'SIGKILL');
      await makeWritable(temp.path);
    }
  }, 60_000);
});
