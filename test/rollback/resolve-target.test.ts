import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeploymentLedger } from '../../src/gitops/deployments/deployment-ledger.js';
import { GitSource } from '../../src/gitops/git-source.js';
import { resolveRollbackTarget, type RollbackRequest } from '../../src/rollback/resolve-target.js';
import { readPipelineAt, type PipelineAtCommit } from '../../src/rollback/task-versions.js';
import type { NewEvent } from '../../src/state/events.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { lettersRepo, LETTERS_PIPELINE } from '../gitops-e2e/rollback-fixture.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const at = (iso: string) => ({ at: iso, mono_ns: String(Date.parse(iso)) });

function created(pipeline: string, commit: string | undefined, ds: string): NewEvent {
  return { type: 'execution.created', pipeline, pipeline_hash: 'sha256:x', ...(commit ? { commit_sha: commit } : {}), trigger: 'cli', triggered_by: 'test', trace_id: 't', ds, priority: 'normal', variables: { LIMIT: '5', TOKEN: '[redacted]' }, stages: [], pipeline_file: 'pipelines/letters.yaml', ...at('2026-01-10T00:00:00Z') };
}

describe('resolveRollbackTarget', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let store: FileStateStore;
  let source: GitSource;
  let ledger: DeploymentLedger;
  let v1: string;
  let v2: string;

  beforeEach(async () => {
    temp = makeTempDir();
    ({ v1, v2 } = lettersRepo(join(temp.path, 'origin')));
    source = new GitSource({ repo: join(temp.path, 'origin'), workdir: join(temp.path, 'work') });
    await source.fetch();
    store = new FileStateStore({ directory: join(temp.path, 'state') });
    ledger = new DeploymentLedger(store, source.display, 'main');
    await store.append({ executionId: 'X', events: [created('letters', v2, '2026-01-12'), { type: 'execution.finished', status: 'succeeded', ...at('2026-01-12T01:00:00Z') }] });
    await store.append({ executionId: 'Y', events: [created('letters', v1, '2026-01-11')] });
    await store.append({ executionId: 'other', events: [created('other_pipeline', v1, '2026-01-11')] });
    await store.append({ executionId: 'dirty', events: [created('letters', undefined, '2026-01-11')] });
    const deployment = (id: string, sha: string, status: 'active' | 'failed', when: string): NewEvent =>
      ({ type: 'deployment.recorded', deployment_id: id, sha, branch: 'main', status, trigger: 'reconcile', versions: [], added: [], changed: [], removed: [], ...at(when) }) as NewEvent;
    await store.append({
      executionId: ledger.ledgerId,
      events: [deployment('d1', v1, 'active', '2026-01-01T00:00:00Z'), deployment('d2', v2, 'active', '2026-01-05T00:00:00Z'), deployment('d3', v1, 'failed', '2026-01-07T00:00:00Z')],
    });
  });

  afterEach(async () => {
    await store[Symbol.asyncDispose]();
    temp[Symbol.dispose]();
  });

  const resolve = (request: Partial<RollbackRequest>) => resolveRollbackTarget({ store, source, deployments: () => ledger.state() }, { executionId: 'X', strategy: 'checkpoint', ...request });

  it('goes to the commit of the deployment active at a time, restoring from the execution itself', async () => {
    const target = await resolve({ toTimestamp: new Date('2026-01-03T12:00:00Z') });
    expect(target).toMatchObject({ sha: v1, chosenBy: 'the deployment d1 active at 2026-01-03T12:00:00.000Z', ds: '2026-01-12', variables: { LIMIT: '5' } });
    expect(target.source?.executionId).toBe('X');
    // A failed deployment was never active: after it, the one before it still was.
    expect((await resolve({ toTimestamp: new Date('2026-01-08T00:00:00Z') })).sha).toBe(v2);
  });

  it('takes the commit, logical date and variables of a target execution, redacted values left out', async () => {
    const target = await resolve({ toExecutionId: 'Y' });
    expect(target).toMatchObject({ sha: v1, ds: '2026-01-11', variables: { LIMIT: '5' }, chosenBy: 'the commit of execution Y' });
    expect(target.variables).not.toHaveProperty('TOKEN');
    expect((await resolve({ toExecutionId: 'Y', strategy: 'revert' })).source).toBeUndefined();
  });

  it('refuses what cannot be rolled back, saying why and what to do', async () => {
    const refusals: [Partial<RollbackRequest>, string][] = [
      [{ toTimestamp: new Date('2025-12-31T00:00:00Z') }, `No deployment was active at 2025-12-31T00:00:00.000Z; the first one was made at 2026-01-01T00:00:00Z (${v1.slice(0, 12)})`],
      [{ toExecutionId: 'other' }, 'Execution other ran pipeline `other_pipeline`, not `letters`'],
      [{ strategy: 'restart', toSha: v1 }, '--strategy restart re-runs an execution\'s own commit'],
      [{ executionId: 'dirty', toSha: v1 }, '--execution-id: execution dirty ran from a working tree, not a commit'],
      [{ toSha: 'no-such-branch' }, 'No commit `no-such-branch`'],
    ];
    for (const [request, message] of refusals) await expect(resolve(request), JSON.stringify(request)).rejects.toThrow(message);
  });
});

describe('readPipelineAt', () => {
  it('gives each task its own version: changing one script changes only the task that runs it, a variable changes them all', async () => {
    using temp = makeTempDir();
    const { repo, v1, v2 } = lettersRepo(join(temp.path, 'origin'));
    const v3 = repo.commit({ 'pipelines/letters.yaml': LETTERS_PIPELINE.replace('stages:', 'variables: { LIMIT: 3 }\nstages:') });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch();
    const [one, two, three] = (await Promise.all([v1, v2, v3].map((sha) => readPipelineAt(source, sha, 'pipelines/letters.yaml')))) as [PipelineAtCommit, PipelineAtCommit, PipelineAtCommit];
    const changed = (a: PipelineAtCommit, b: PipelineAtCommit) => [...a.taskVersions].filter(([task, hash]) => b.taskVersions.get(task) !== hash).map(([task]) => task);
    expect(changed(one, two)).toEqual(['transform.letter']);
    expect(changed(two, three)).toEqual(['extract.fetch', 'transform.letter', 'publish.report']);
    await expect(readPipelineAt(source, v1, 'pipelines/missing.yaml')).rejects.toThrow(`pipelines/missing.yaml at ${v1.slice(0, 12)} in ${source.display} is missing or does not match the pipeline schema`);
  });
});
