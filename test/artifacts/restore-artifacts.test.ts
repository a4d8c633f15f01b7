import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('restores several tasks\' artifacts, each in place with the content stored, indexed in the order listed', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const outputs = [
      { task: 'extract.orders', path: 'raw/orders.jsonl', content: '{"id":1}\n' },
      { task: 'extract.orders', path: 'raw/customers.jsonl', content: '{"id":2}\n' },
      { task: 'load.report', path: 'report.json', content: '{"rows":2}' },
    ];
    for (const output of outputs) await store.put({ executionId: OLD, task: output.task, path: output.path, sourcePath: dir.write(output.path, output.content) });
    const outputDir = join(dir.path, 'new-output');

    const events = await restoreArtifacts({ store, fromExecutionId: OLD, toExecutionId: NEW, tasks: ['extract.orders', 'load.report'], outputDir });
    expect(events.map((event) => event.path)).toEqual(outputs.map((output) => output.path));
    for (const output of outputs) expect(readFileSync(join(outputDir, output.path), 'utf8')).toBe(output.content);
    expect((await store.list({ executionId: NEW })).map((artifact) => artifact.sha256)).toEqual(events.map((event) => event.sha256));
  });

  it('indexes nothing under the new execution when a stored copy fails its sha256 check', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    await store.put({ executionId: OLD, task: 'extract.orders', path: 'orders.jsonl', sourcePath: dir.write('o', 'good') });
    const damaged = await store.put({ executionId: OLD, task: 'load.report', path: 'report.json', sourcePath: dir.write('r', '{}') });
    const blob = new URL(damaged.uri);
    chmodSync(blob, 0o644);
    writeFileSync(blob, '[]');

    await expect(restoreArtifacts({ store, fromExecutionId: OLD, toExecutionId: NEW, tasks: ['extract.orders', 'load.report'], outputDir: join(dir.path, 'out') }))
      .rejects.toThrow(/Artifact `report.json` of task load.report .* is corrupted/);
    expect(await store.hasExecution(NEW)).toBe(false);
  });
});
