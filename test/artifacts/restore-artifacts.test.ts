import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../src/artifacts/file-artifact-store.js';
import { restoreArtifacts } from '../../src/artifacts/restore-artifacts.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const OLD = '11111111-0000-4000-8000-00000000000a';
const NEW = '22222222-0000-4000-8000-00000000000b';

describe('restoreArtifacts', () => {
  it('copies the chosen tasks\' artifacts into a new output directory and indexes them with the same sha256', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const orders = await store.put({ executionId: OLD, task: 'extract.orders', path: 'orders.jsonl', sourcePath: dir.write('o', '{"id":1}\n'), type: 'dataset' });
    await store.put({ executionId: OLD, task: 'load.report', path: 'report.json', sourcePath: dir.write('r', '{}') });
    const outputDir = join(dir.path, 'new-output');

    const events = await restoreArtifacts({ store, fromExecutionId: OLD, toExecutionId: NEW, tasks: ['extract.orders'], outputDir });
    expect(events).toEqual([{ type: 'artifact.stored', task: 'extract.orders', path: 'orders.jsonl', artifact_type: 'dataset', sha256: orders.sha256, size_bytes: 9, uri: orders.uri }]);
    expect(readFileSync(join(outputDir, 'orders.jsonl'), 'utf8')).toBe('{"id":1}\n');
    expect((await store.list({ executionId: NEW })).map((artifact) => [artifact.task, artifact.sha256])).toEqual([['extract.orders', orders.sha256]]);
  });

  it('with verify, fails when a task stored nothing to restore', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    await store.put({ executionId: OLD, task: 'extract.orders', path: 'orders.jsonl', sourcePath: dir.write('o', 'x') });
    await expect(restoreArtifacts({ store, fromExecutionId: OLD, toExecutionId: NEW, tasks: ['extract.orders', 'transform.join'], outputDir: join(dir.path, 'out'), verify: true }))
      .rejects.toThrow(`Execution ${OLD} stored no artifacts for transform.join; nothing to restore for them`);
  });
});
