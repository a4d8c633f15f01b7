import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { DeploymentLedger } from '../../src/gitops/deployments/deployment-ledger.js';
import { GitSource } from '../../src/gitops/git-source.js';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import type { NewEvent } from '../../src/state/events.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { lettersRepo, runAndId } from './rollback-fixture.js';

interface StateJson {
  rollback_of?: string;
  commit_sha: string;
  trigger: string;
  status: string;
  stages: { name: string; tasks: { id: string; status: string; restored_from?: string; artifacts: { sha256: string }[] }[] }[];
}

describe('rollback on the Redis store and by deployment time', () => {
  it('checkpoint on the Redis store: the new execution and its restored tasks read back through `state get`', async () => {
    using temp = makeTempDir();
    const { repo, v1 } = lettersRepo(join(temp.path, 'origin'));
    const config = temp.write('config.yaml', `state:\n  backend: redis\n  redis_url: ${inject('redisUrl')}\n  key_prefix: "rollback-test:${randomUUID()}:"\n`);
    const workdir = join(temp.path, 'work');
    const env = { ORCHESTRATION_WORKDIR: workdir, AUTO_ORCHESTRATOR_CONFIG_PATH: config };
    const state = (id: string) => JSON.parse(runCli(['state', 'get', '--execution-id', id, '--format', 'json'], { env }).stdout) as StateJson;
    try {
      const good = runAndId(['run', '--repo', repo.path, '--sha', v1, '--pipeline', 'letters'], env).id;
      const bad = runAndId(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'letters'], env).id;
      const rollback = runAndId(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-sha', v1], env).id;
      const rolled = state(rollback);
      expect(rolled).toMatchObject({ rollback_of: bad, commit_sha: v1, trigger: 'rollback', status: 'succeeded' });
      const tasks = rolled.stages.flatMap((stage) => stage.tasks.map((task) => [`${stage.name}.${task.id}`, task.restored_from ?? null]));
      expect(tasks).toEqual([['extract.fetch', bad], ['transform.letter', null], ['publish.report', null]]);
      const hashes = (of: StateJson) => of.stages.flatMap((stage) => stage.tasks.flatMap((task) => task.artifacts.map((artifact) => artifact.sha256)));
      expect(hashes(rolled)).toEqual(hashes(state(good)));
      expect(state(bad).rollback_of).toBeUndefined();
    } finally {
      await makeWritable(workdir);
    }
  });

  it('--to-timestamp goes to the commit of the deployment that was active then', async () => {
    using temp = makeTempDir();
    const { repo, v1, v2 } = lettersRepo(join(temp.path, 'origin'));
    const workdir = join(temp.path, 'work');
    const env = { ORCHESTRATION_WORKDIR: workdir };
    try {
      const bad = runAndId(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'letters'], env).id;
      // The ledger a controller on this work directory would have written: v1 deployed on the 1st, v2 on the 5th.
      const source = new GitSource({ repo: repo.path, workdir });
      await using store = new FileStateStore({ directory: join(workdir, 'state') });
      const ledger = new DeploymentLedger(store, source.display, 'main');
      const deployed = (id: string, sha: string, at: string) => ({ type: 'deployment.recorded', deployment_id: id, sha, branch: 'main', status: 'active', trigger: 'reconcile', versions: [], added: [], changed: [], removed: [], at, mono_ns: '1' }) as NewEvent;
      await store.append({ executionId: ledger.ledgerId, events: [deployed('d1', v1, '2026-01-01T00:00:00.000Z'), deployed('d2', v2, '2026-01-05T00:00:00.000Z')] });
      const plan = runCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-timestamp', '2026-01-03T12:00:00Z', '--dry-run', '--format', 'json'], { env });
      expect(plan.stderr).toBe('');
      expect(JSON.parse(plan.stdout)).toMatchObject({ target_sha: v1, chosen_by: 'the deployment d1 active at 2026-01-03T12:00:00.000Z', restored_from: bad });
      const early = runCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-timestamp', '2025-06-01T00:00:00Z'], { env });
      expect(early.stderr).toBe(`error: No deployment was active at 2025-06-01T00:00:00.000Z; the first one was made at 2026-01-01T00:00:00.000Z (${v1.slice(0, 12)})\n`);
      expect(early.status).toBe(2);
    } finally {
      await makeWritable(workdir);
    }
  });
});
