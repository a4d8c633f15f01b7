import { appendFileSync, chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../src/artifacts/file-artifact-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const EXECUTION = '3f1c2a8e-0000-4000-8000-000000000001';
const LATER = '3f1c2a8e-0000-4000-8000-000000000002';

describe('FileArtifactStore', () => {
  it('stores content once by sha256 and indexes it per execution and task', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const a = dir.write('out/a.csv', 'id\n1\n');
    const b = dir.write('out/b.csv', 'id\n1\n');
    const first = await store.put({ executionId: EXECUTION, task: 'extract.orders', path: 'a.csv', sourcePath: a, type: 'dataset' });
    const second = await store.put({ executionId: EXECUTION, task: 'extract.copy', path: 'b.csv', sourcePath: b });

    expect(first.sha256).toBe(createHash('sha256').update('id\n1\n').digest('hex'));
    expect(second.sha256).toBe(first.sha256);
    expect(second.uri).toBe(first.uri);
    expect(first).toMatchObject({ sizeBytes: 5, type: 'dataset', task: 'extract.orders' });
    expect(second.type).toBe('file');
    const blobs = readdirSync(join(dir.path, 'artifacts', 'blobs'), { recursive: true }).filter((name) => String(name).length > 2);
    expect(blobs).toEqual([join(first.sha256.slice(0, 2), first.sha256)]);
    expect(await store.list({ executionId: EXECUTION })).toEqual([first, second]);
    expect(await store.list({ executionId: EXECUTION, task: 'extract.copy' })).toEqual([second]);
  });

  it('never rewrites a blob: putting the same content again leaves it and adds no index line', async () => {
    using dir = makeTempDir();
    const root = join(dir.path, 'artifacts');
    const store = new FileArtifactStore({ root });
    const file = dir.write('out/a.json', '[1,2,3]');
    const stored = await store.put({ executionId: EXECUTION, task: 's.t', path: 'a.json', sourcePath: file });
    const blob = new URL(stored.uri);
    const before = statSync(blob);
    await store.put({ executionId: EXECUTION, task: 's.t', path: 'a.json', sourcePath: file });

    expect(statSync(blob).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(blob).mode & 0o777).toBe(0o444);
    expect(readFileSync(join(root, 'index', `${EXECUTION}.ndjson`), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('keeps stored files to its own user', async () => {
    using dir = makeTempDir();
    const root = join(dir.path, 'artifacts');
    const store = new FileArtifactStore({ root });
    await store.put({ executionId: EXECUTION, task: 's.t', path: 'a', sourcePath: dir.write('a', 'x') });
    for (const sub of ['', 'blobs', 'index', 'tmp']) expect(statSync(join(root, sub)).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'index', `${EXECUTION}.ndjson`)).mode & 0o077).toBe(0);
  });

  it('a later run of the same task and path supersedes the earlier entry', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const file = dir.write('out/a.txt', 'one');
    await store.put({ executionId: EXECUTION, task: 's.t', path: 'a.txt', sourcePath: file });
    writeFileSync(file, 'two');
    const second = await store.put({ executionId: EXECUTION, task: 's.t', path: 'a.txt', sourcePath: file });
    expect(await store.list({ executionId: EXECUTION })).toEqual([second]);
  });

  it('ignores a torn last index line and appends cleanly after it', async () => {
    using dir = makeTempDir();
    const root = join(dir.path, 'artifacts');
    const store = new FileArtifactStore({ root });
    const first = await store.put({ executionId: EXECUTION, task: 's.a', path: 'a', sourcePath: dir.write('a', 'a') });
    const index = join(root, 'index', `${EXECUTION}.ndjson`);
    appendFileSync(index, '{"task":"s.b","path":"b","ty');

    expect(await store.list({ executionId: EXECUTION })).toEqual([first]);
    const second = await store.put({ executionId: EXECUTION, task: 's.c', path: 'c', sourcePath: dir.write('c', 'c') });
    expect(await store.list({ executionId: EXECUTION })).toEqual([first, second]);
    expect(readFileSync(index, 'utf8')).not.toContain('"ty\n');
  });

  it('reports a damaged line in the middle of an index instead of skipping it', async () => {
    using dir = makeTempDir();
    const root = join(dir.path, 'artifacts');
    const store = new FileArtifactStore({ root });
    await store.put({ executionId: EXECUTION, task: 's.a', path: 'a', sourcePath: dir.write('a', 'a') });
    appendFileSync(join(root, 'index', `${EXECUTION}.ndjson`), 'garbage\n{"task":"s.b"}\n');
    await expect(store.list({ executionId: EXECUTION })).rejects.toThrow(`The artifact index ${join(root, 'index', `${EXECUTION}.ndjson`)} is damaged at line 2`);
  });

  it('copies an artifact out, and refuses a blob whose content no longer matches its sha256', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const stored = await store.put({ executionId: EXECUTION, task: 'load.report', path: 'report.json', sourcePath: dir.write('report.json', '{"rows":20}') });
    await store.copyTo(stored, join(dir.path, 'copy', 'report.json'));
    expect(readFileSync(join(dir.path, 'copy', 'report.json'), 'utf8')).toBe('{"rows":20}');

    const blob = new URL(stored.uri);
    chmodSync(blob, 0o644);
    writeFileSync(blob, '{"rows":99}');
    const destination = join(dir.path, 'bad', 'report.json');
    await expect(store.copyTo(stored, destination)).rejects.toThrow(
      `Artifact \`report.json\` of task load.report (execution ${EXECUTION}) is corrupted: its blob ${blob.pathname} hashes to`,
    );
    expect(readdirSync(join(dir.path, 'bad'))).toEqual([]);
  });

  it('replaces a blob cut short when the same content is put again', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const file = dir.write('a.csv', 'id\n1\n2\n');
    const stored = await store.put({ executionId: EXECUTION, task: 's.t', path: 'a.csv', sourcePath: file });
    const blob = new URL(stored.uri);
    chmodSync(blob, 0o644);
    writeFileSync(blob, 'id\n');
    await store.put({ executionId: EXECUTION, task: 's.t', path: 'a.csv', sourcePath: file });
    await store.copyTo(stored, join(dir.path, 'copy.csv'));
    expect(readFileSync(join(dir.path, 'copy.csv'), 'utf8')).toBe('id\n1\n2\n');
  });

  it('says so when an indexed blob is gone', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const stored = await store.put({ executionId: EXECUTION, task: 's.t', path: 'a', sourcePath: dir.write('a', 'a') });
    await expect(store.copyTo({ ...stored, sha256: 'f'.repeat(64) }, join(dir.path, 'x'))).rejects.toThrow(/is indexed but its blob .* is missing/);
  });

  it('copies to a file:// upload_to directory and records where', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const exports = join(dir.path, 'exports');
    const stored = await store.put({ executionId: EXECUTION, task: 's.t', path: 'daily/orders.jsonl', sourcePath: dir.write('o.jsonl', '{"id":1}\n'), uploadTo: pathToFileURL(exports).href });
    expect(readFileSync(join(exports, 'daily', 'orders.jsonl'), 'utf8')).toBe('{"id":1}\n');
    expect(stored.uploadedTo).toBe(pathToFileURL(join(exports, 'daily', 'orders.jsonl')).href);
    expect(stored.uploadSkipped).toBeUndefined();
  });

  it('resolves a relative upload_to against its base and never overwrites different content there', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts'), uploadBase: dir.path });
    dir.write('exports/a.txt', 'older');
    const stored = await store.put({ executionId: EXECUTION, task: 's.t', path: 'a.txt', sourcePath: dir.write('a.txt', 'newer'), uploadTo: 'exports' });
    expect(stored.uploadedTo).toBeUndefined();
    expect(stored.uploadSkipped).toBe(`upload_to exports: ${join(dir.path, 'exports', 'a.txt')} already holds different content, and uploads never overwrite`);
    expect(readFileSync(join(dir.path, 'exports', 'a.txt'), 'utf8')).toBe('older');
  });

  it('keeps an artifact bound for a remote store locally and says it was not uploaded', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const stored = await store.put({ executionId: EXECUTION, task: 's.t', path: 'a.txt', sourcePath: dir.write('a.txt', 'a'), uploadTo: 's3://raw-data/orders/' });
    expect(stored.uploadedTo).toBeUndefined();
    expect(stored.uploadSkipped).toBe('upload_to s3://raw-data/orders/: s3:// stores are not supported yet; the artifact is kept in the local store only');
    expect((await store.list({ executionId: EXECUTION }))[0]?.uploadSkipped).toBe(stored.uploadSkipped);
  });

  it('serializes concurrent puts to one execution so no index line is lost', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const puts = Array.from({ length: 20 }, (_, index) => store.put({ executionId: EXECUTION, task: `s.t${index}`, path: `f${index}`, sourcePath: dir.write(`f${index}`, String(index)) }));
    await Promise.all(puts);
    const tasks = (await store.list({ executionId: EXECUTION })).map((artifact) => artifact.task);
    expect(tasks.sort()).toEqual(Array.from({ length: 20 }, (_, index) => `s.t${index}`).sort());
  });

  it('indexes stored artifacts under another execution with one line each, and the same content again adds none', async () => {
    using dir = makeTempDir();
    const root = join(dir.path, 'artifacts');
    const store = new FileArtifactStore({ root });
    const orders = await store.put({ executionId: EXECUTION, task: 'extract.orders', path: 'orders.jsonl', sourcePath: dir.write('o', '{"id":1}\n'), type: 'dataset' });
    const report = await store.put({ executionId: EXECUTION, task: 'load.report', path: 'report.json', sourcePath: dir.write('r', '{}') });

    const indexed = await store.indexExisting({ executionId: LATER, artifacts: [orders, report] });
    expect(indexed).toEqual([{ ...orders, executionId: LATER }, { ...report, executionId: LATER }]);
    expect(await store.list({ executionId: LATER })).toEqual(indexed);
    await store.indexExisting({ executionId: LATER, artifacts: [orders] });
    expect(readFileSync(join(root, 'index', `${LATER}.ndjson`), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('indexes nothing under the other execution when one of the artifacts has no blob here', async () => {
    using dir = makeTempDir();
    const store = new FileArtifactStore({ root: join(dir.path, 'artifacts') });
    const stored = await store.put({ executionId: EXECUTION, task: 's.t', path: 'a', sourcePath: dir.write('a', 'a') });
    const gone = { ...stored, path: 'b', sha256: 'f'.repeat(64) };
    await expect(store.indexExisting({ executionId: LATER, artifacts: [stored, gone] })).rejects.toThrow(`Artifact \`b\` of task s.t (execution ${EXECUTION}) is indexed but its blob`);
    expect(await store.hasExecution(LATER)).toBe(false);
  });
});
