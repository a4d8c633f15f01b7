import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeploymentLedger } from '../../src/gitops/deployments/deployment-ledger.js';
import { deploymentStatus } from '../../src/gitops/deployments/deployment-fold.js';
import { reconcileOnce, rollbackDeployment, unpinDeployment, type CommitEvaluation, type ReconcileDependencies } from '../../src/gitops/deployments/reconcile.js';
import { FileStateStore } from '../../src/state/file-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const SHA = (digit: string) => digit.repeat(40);
const good = (hash: string, runOnDeploy: string[] = []): CommitEvaluation => ({
  versions: [{ pipeline: 'daily', file: 'pipelines/daily.yaml', version_hash: hash }],
  findings: [],
  errors: 0,
  runOnDeploy,
});
const broken: CommitEvaluation = {
  versions: [{ pipeline: 'daily', file: 'pipelines/daily.yaml', version_hash: 'broken' }],
  findings: [{ rule: 'graph/cycle', severity: 'error', message: 'a → b → a', file: 'pipelines/daily.yaml', line: 12, column: 9 }],
  errors: 1,
  runOnDeploy: [],
};

describe('reconcileOnce', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: StateStore;
  let head: string;
  let commits: Map<string, CommitEvaluation>;
  let pinned: string[];
  let started: string[];
  let deps: ReconcileDependencies;

  beforeEach(() => {
    dir = makeTempDir();
    store = new FileStateStore({ directory: dir.path });
    commits = new Map([[SHA('a'), good('v1')], [SHA('b'), broken], [SHA('c'), good('v3', ['daily'])]]);
    head = SHA('a');
    pinned = [];
    started = [];
    deps = {
      ledger: new DeploymentLedger(store, 'file:///repos/pipelines', 'main'),
      store,
      fetchHead: async () => head,
      evaluate: async (_base, sha) => commits.get(sha) as CommitEvaluation,
      pin: async (sha) => void pinned.push(sha),
      startExecution: async ({ executionId, pipeline }) => {
        started.push(pipeline);
        // A started execution leaves a ledger: that is how a restarted reconciler knows.
        await store.append({ executionId, events: [{ type: 'task.ready', task: 'x.y', at: new Date().toISOString(), mono_ns: '1' }] });
      },
      owner: 'replica-1',
    };
  });
  afterEach(async () => {
    await store[Symbol.asyncDispose]();
    dir[Symbol.dispose]();
  });

  it('deploys the first head, pins it, and does nothing more on the same head', async () => {
    const first = await reconcileOnce(deps, 'reconcile');
    expect(first).toMatchObject({ outcome: 'deployed', deployment: { sha: SHA('a'), status: 'active', added: ['daily'] } });
    expect(pinned).toEqual([SHA('a')]);
    expect(await reconcileOnce(deps, 'reconcile')).toEqual({ outcome: 'unchanged', head: SHA('a') });
    expect((await deps.ledger.state()).deployments).toHaveLength(1);
  });

  it('records a broken commit as failed with its findings and keeps the previous deployment active', async () => {
    await reconcileOnce(deps, 'reconcile');
    head = SHA('b');
    const outcome = await reconcileOnce(deps, 'reconcile');
    expect(outcome).toMatchObject({ outcome: 'failed', deployment: { sha: SHA('b'), status: 'failed', findings: [{ rule: 'graph/cycle', line: 12 }] } });
    const state = await deps.ledger.state();
    expect(state.active?.sha).toBe(SHA('a'));
    expect(deploymentStatus(state, head)).toMatchObject({ active_sha: SHA('a'), drift: true, pinned: false, reason: expect.stringContaining('failed validation') });
    // Evaluated heads are pinned while they validate, so the failed commit stays reachable for a look into why.
    expect(pinned).toEqual([SHA('a'), SHA('b')]);
  });

  it('keeps a rollback pinned across reconciles until the branch moves past it', async () => {
    await reconcileOnce(deps, 'reconcile');
    head = SHA('c');
    await reconcileOnce(deps, 'reconcile');
    await rollbackDeployment(deps.ledger, { toSha: SHA('a').slice(0, 8), branchHeadSha: head, by: 'alice', reason: 'bad numbers' });
    expect(await reconcileOnce(deps, 'reconcile')).toEqual({ outcome: 'pinned', head: SHA('c'), pinnedSha: SHA('a') });
    const state = await deps.ledger.state();
    expect(state.active?.sha).toBe(SHA('a'));
    expect(state.deployments.map((deployment) => deployment.status)).toEqual(['active', 'superseded', 'superseded']);
    expect(deploymentStatus(state, head)).toMatchObject({ drift: true, pinned: true, reason: expect.stringContaining('alice') });

    commits.set(SHA('d'), good('v4'));
    head = SHA('d');
    expect(await reconcileOnce(deps, 'reconcile')).toMatchObject({ outcome: 'deployed', deployment: { sha: SHA('d'), changed: ['daily'] } });
    expect((await deps.ledger.state()).pin).toBeNull();
  });

  it('unpin lets the next reconcile deploy the head again', async () => {
    await reconcileOnce(deps, 'reconcile');
    head = SHA('c');
    await reconcileOnce(deps, 'reconcile');
    await rollbackDeployment(deps.ledger, { toSha: SHA('a'), branchHeadSha: head, by: 'alice', reason: 'r' });
    expect(await unpinDeployment(deps.ledger, { by: 'bob', reason: 'fixed' })).toBe(true);
    expect(await reconcileOnce(deps, 'reconcile')).toMatchObject({ outcome: 'deployed', deployment: { sha: SHA('c'), previous_sha: SHA('a') } });
    expect((await deps.ledger.state()).active?.sha).toBe(SHA('c'));
    expect(await reconcileOnce(deps, 'reconcile')).toEqual({ outcome: 'unchanged', head: SHA('c') });
  });

  it('refuses to roll back to a commit that never deployed, naming the ones that did', async () => {
    await reconcileOnce(deps, 'reconcile');
    await expect(rollbackDeployment(deps.ledger, { toSha: SHA('f'), branchHeadSha: head, by: 'a', reason: 'r' })).rejects.toThrow(`deployments that were active: ${SHA('a').slice(0, 12)}`);
  });

  it('starts a run-on-deploy execution exactly once, even when the first reconcile died before starting it', async () => {
    await reconcileOnce(deps, 'reconcile');
    head = SHA('c');
    const startExecution = deps.startExecution;
    deps.startExecution = async () => {
      throw new Error('killed before the execution began');
    };
    await expect(reconcileOnce(deps, 'reconcile')).rejects.toThrow('killed');
    expect((await deps.ledger.state()).active?.sha).toBe(SHA('c'));
    deps.startExecution = startExecution;
    expect(await reconcileOnce(deps, 'reconcile')).toEqual({ outcome: 'unchanged', head: SHA('c') });
    expect(await reconcileOnce(deps, 'reconcile')).toEqual({ outcome: 'unchanged', head: SHA('c') });
    expect(started).toEqual(['daily']);
  });

  it('records what it saw only when it changes: a record is the observation of its head, so polls of a failed head add nothing', async () => {
    await reconcileOnce(deps, 'reconcile');
    head = SHA('b');
    for (let poll = 0; poll < 3; poll++) expect(await reconcileOnce(deps, 'reconcile')).toMatchObject({ outcome: 'failed', head: SHA('b') });
    const events = await store.read(deps.ledger.ledgerId);
    expect(events.filter((event) => event.type === 'deployment.observed')).toEqual([]);
    expect(events.filter((event) => event.type === 'deployment.recorded')).toHaveLength(2);
    expect((await deps.ledger.state()).observed).toMatchObject({ branch_head_sha: SHA('b'), reason: `${SHA('b').slice(0, 12)} failed validation (1 error)` });
    // A head seen but not deployed (pinned here) is still an observation of its own.
    await rollbackDeployment(deps.ledger, { toSha: SHA('a'), by: 'operator', reason: 'bad b', branchHeadSha: SHA('b') });
    head = SHA('b');
    await reconcileOnce(deps, 'reconcile');
    expect((await deps.ledger.state()).observed).toMatchObject({ branch_head_sha: SHA('b'), reason: expect.stringContaining('pinned') });
  });

  it('records a failed fetch without the credentials its message carried', async () => {
    await reconcileOnce(deps, 'reconcile');
    deps.fetchHead = async () => {
      throw new Error('git fetch failed for https://bot:hunter2@git.example.com/p.git: timeout');
    };
    await expect(reconcileOnce(deps, 'reconcile')).rejects.toThrow('timeout');
    const state = await deps.ledger.state();
    expect(state.observed).toMatchObject({ branch_head_sha: SHA('a'), reason: expect.stringContaining('reconcile failed') });
    expect(JSON.stringify(await store.read(deps.ledger.ledgerId))).not.toContain('hunter2');
  });

  it('leaves the work to the replica that holds the lease', async () => {
    const lease = await store.acquireLease({ name: `reconcile:${deps.ledger.ledgerId}`, owner: 'replica-2', ttlMs: 60_000 });
    expect(lease).toBeDefined();
    expect(await reconcileOnce(deps, 'reconcile')).toEqual({ outcome: 'busy' });
    expect((await deps.ledger.state()).deployments).toHaveLength(0);
  });
});
