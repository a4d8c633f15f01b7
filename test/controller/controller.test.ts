import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { DeployRuns } from '../../src/gitops/controller/deploy-runs.js';
import { rollbackDeployment } from '../../src/gitops/deployments/reconcile.js';
import { foldExecution } from '../../src/state/fold.js';
import { openRedisStateStore } from '../../src/state/redis-store.js';
import { countResources, expectNoLeaks } from '../state/leak-guard.js';
import { brokenPipeline, letterPipeline, makeController, writeLetter, type ControllerFixture } from './controller-fixture.js';

async function executionsOf(fixture: ControllerFixture): Promise<string[]> {
  const state = await fixture.ledger.state();
  return state.deployments.flatMap((deployment) => deployment.executions.map((entry) => entry.slice(0, entry.indexOf(':'))));
}

describe('controller reconcile over a real repository', () => {
  it('deploys the first commit, records a broken one as failed with its findings while the previous stays active, then deploys the fix', async () => {
    await using fixture = await makeController();
    const { repo, controller } = fixture;
    const v1 = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily'), 'scripts/daily.js': writeLetter('A') });
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'deployed', head: v1, deployment: { status: 'active', added: ['daily'], versions: [{ pipeline: 'daily', file: 'pipelines/daily.yaml' }] } });

    const broken = repo.commit({ 'pipelines/daily.yaml': brokenPipeline('daily') });
    const failed = await controller.reconcile('reconcile');
    expect(failed).toMatchObject({ outcome: 'failed', head: broken, deployment: { status: 'failed', previous_sha: v1 } });
    const findings = failed.outcome === 'failed' ? failed.deployment.findings : [];
    expect(findings).toEqual([expect.objectContaining({ rule: 'graph/unknown-dependency', severity: 'error', file: 'pipelines/daily.yaml', line: 9, column: 24 })]);
    expect(await controller.status()).toMatchObject({ active_sha: v1, branch_head_sha: broken, drift: true, pinned: false, reason: expect.stringContaining('failed validation') });
    // Polling the same broken head adds nothing.
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'failed', head: broken });
    expect((await fixture.ledger.state()).deployments).toHaveLength(2);

    const fixed = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily'), 'scripts/daily.js': writeLetter('B') });
    expect(await controller.reconcile('sync')).toMatchObject({ outcome: 'deployed', head: fixed, deployment: { previous_sha: v1, changed: ['daily'], trigger: 'sync' } });
    const state = await fixture.ledger.state();
    expect(state.deployments.map((deployment) => [deployment.sha, deployment.status])).toEqual([[fixed, 'active'], [broken, 'failed'], [v1, 'superseded']]);
    expect(await controller.status()).toMatchObject({ active_sha: fixed, drift: false, reason: null });
  });

  it('keeps a rollback pinned across reconciles until a newer commit lands, then deploys that and unpins', async () => {
    await using fixture = await makeController();
    const { repo, controller } = fixture;
    const v1 = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily'), 'scripts/daily.js': writeLetter('A') });
    await controller.reconcile('reconcile');
    const v2 = repo.commit({ 'scripts/daily.js': writeLetter('B') });
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'deployed', deployment: { changed: ['daily'] } });

    await rollbackDeployment(fixture.ledger, { toSha: v1.slice(0, 7), branchHeadSha: v2, by: 'alice', reason: 'wrong totals' });
    for (let poll = 0; poll < 2; poll++) expect(await controller.reconcile('reconcile')).toEqual({ outcome: 'pinned', head: v2, pinnedSha: v1 });
    expect(await controller.status()).toMatchObject({ active_sha: v1, branch_head_sha: v2, drift: true, pinned: true, reason: expect.stringContaining('alice: wrong totals') });

    const v3 = repo.commit({ 'scripts/daily.js': writeLetter('C') });
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'deployed', head: v3, deployment: { previous_sha: v1 } });
    expect(await controller.status()).toMatchObject({ active_sha: v3, pinned: false, drift: false });
  });

  it('after a failed commit and after a rollback, diffs from the active commit as it was: a changed script reaches its pipeline', async () => {
    await using fixture = await makeController();
    const { repo, controller } = fixture;
    const daily = letterPipeline('daily');
    const onOther = daily.replace('scripts/daily.js', 'scripts/other.js');
    const v1 = repo.commit({ 'pipelines/daily.yaml': daily, 'scripts/daily.js': writeLetter('A'), 'scripts/other.js': writeLetter('O') });
    await controller.reconcile('reconcile');
    // Fails while `daily` runs another script; the next commit goes back to the one v1 had.
    repo.commit({ 'pipelines/daily.yaml': `${onOther}        dependencies: [missing_task]\n` });
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'failed' });
    const v3 = repo.commit({ 'pipelines/daily.yaml': daily, 'scripts/daily.js': writeLetter('B') });
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'deployed', head: v3, deployment: { previous_sha: v1, changed: ['daily'] } });

    const v4 = repo.commit({ 'pipelines/daily.yaml': onOther });
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'deployed', head: v4, deployment: { changed: ['daily'] } });
    await rollbackDeployment(fixture.ledger, { toSha: v3, branchHeadSha: v4, by: 'alice', reason: 'wrong script' });
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'pinned' });
    const v5 = repo.commit({ 'pipelines/daily.yaml': daily, 'scripts/daily.js': writeLetter('C') });
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'deployed', head: v5, deployment: { previous_sha: v3, changed: ['daily'] } });
  });

  it('starts exactly one execution at the new SHA for a pipeline that runs on deploy, and its task runs the new code', async () => {
    await using fixture = await makeController();
    const { repo, controller } = fixture;
    repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true }), 'scripts/daily.js': writeLetter('A'), 'pipelines/other.yaml': letterPipeline('other'), 'scripts/other.js': writeLetter('O') });
    await controller.reconcile('reconcile');
    await fixture.runs.idle();
    const v2 = repo.commit({ 'scripts/daily.js': writeLetter('B'), 'scripts/other.js': writeLetter('P') });
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'deployed', deployment: { changed: ['daily', 'other'] } });
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'unchanged' });
    await fixture.runs.idle();

    const ids = await executionsOf(fixture);
    expect(ids).toHaveLength(2);
    const newest = ids[0] as string;
    const execution = foldExecution(await fixture.store.read(newest));
    expect(execution).toMatchObject({ status: 'succeeded', commit_sha: v2, trigger: 'deploy', pipeline: 'daily' });
    expect(readFileSync(join(fixture.workdir, 'executions', newest, 'output', 'out.txt'), 'utf8')).toBe('B');
    // The workspace is the deployed tree, not the live checkout.
    expect(readFileSync(join(fixture.workdir, 'executions', newest, 'workspace', 'scripts', 'daily.js'), 'utf8')).toBe(writeLetter('B'));
    const page = await fixture.store.list({});
    expect(page.executions.map((summary) => summary.execution_id).sort()).toEqual([...ids].sort());
  });

  it('leaves no tree checked out ahead for a commit that asks to run but fails validation, and keeps that commit reachable', async () => {
    await using fixture = await makeController();
    const { repo, controller } = fixture;
    const v1 = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true }), 'scripts/daily.js': writeLetter('A') });
    await controller.reconcile('reconcile');
    await fixture.runs.idle();
    const broken = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true, extra: '        dependencies: [missing_task]\n' }) });
    expect(await controller.reconcile('sync')).toMatchObject({ outcome: 'failed', head: broken });
    await fixture.runs.discardStagedTrees();
    expect(readdirSync(join(fixture.workdir, 'staged-trees'))).toEqual([]);
    const pins = repo.git('--git-dir', fixture.source.mirror, 'for-each-ref', '--format=%(refname)', 'refs/orchestrate/pins/');
    expect(pins.split('\n').sort()).toEqual([`refs/orchestrate/pins/${v1}`, `refs/orchestrate/pins/${broken}`].sort());
    expect(await executionsOf(fixture)).toHaveLength(1);
  });

  it('runs a deploy execution once when two controllers on one store both try to start it', async () => {
    await using fixture = await makeController();
    const { repo, controller } = fixture;
    repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily'), 'scripts/daily.js': writeLetter('A') });
    const outcome = await controller.reconcile('reconcile');
    if (outcome.outcome !== 'deployed') throw new Error(`expected a deployment, got ${outcome.outcome}`);
    const other = new DeployRuns({ source: fixture.source, store: fixture.store, workdir: fixture.workdir, logger: fixture.logger, owner: 'controller-other', leaseTtlMs: 2_000, env: { PATH: process.env.PATH }, secrets: {} });
    const request = { executionId: randomUUID(), pipeline: 'daily', deployment: outcome.deployment };
    await Promise.all([fixture.runs.start(request), other.start(request), fixture.runs.start(request)]);
    await Promise.all([fixture.runs.idle(), other.idle()]);
    // Once it has events, starting it again does nothing either.
    await other.start(request);
    await other.idle();
    const events = await fixture.store.read(request.executionId);
    expect(events.filter((event) => event.type === 'execution.created')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'task.started')).toHaveLength(1);
    expect(foldExecution(events).status).toBe('succeeded');
  });

  it('keeps deployments and deploy executions in the Redis store too, and leaves nothing open once disposed', async () => {
    const before = countResources();
    await runOnRedis();
    await expectNoLeaks(before);
  });
});

/** One deploy and one failed commit on a Redis store; everything is disposed when it returns. */
async function runOnRedis(): Promise<void> {
  const keyPrefix = `controller-test:${randomUUID()}:`;
  await using fixture = await makeController({ store: () => openRedisStateStore({ url: inject('redisUrl'), keyPrefix, ttlDays: 1 }) });
  const { repo, controller } = fixture;
  const v1 = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true }), 'scripts/daily.js': writeLetter('A') });
  expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'deployed', head: v1 });
  await fixture.runs.idle();
  const broken = repo.commit({ 'pipelines/daily.yaml': brokenPipeline('daily') });
  expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'failed', head: broken });
  const [id] = await executionsOf(fixture);
  expect(foldExecution(await fixture.store.read(id as string))).toMatchObject({ status: 'succeeded', commit_sha: v1, trigger: 'deploy' });
  expect(await controller.status()).toMatchObject({ active_sha: v1, branch_head_sha: broken, drift: true });
}
