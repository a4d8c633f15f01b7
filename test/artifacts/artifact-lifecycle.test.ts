import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createArtifactLifecycle } from '../../src/artifacts/artifact-lifecycle.js';
import { FileArtifactStore } from '../../src/artifacts/file-artifact-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { attemptOf, plannedTask, renderArtifactPath } from './lifecycle-fixture.js';

const FIRST = '11111111-0000-4000-8000-000000000001';
const SECOND = '22222222-0000-4000-8000-000000000002';

function lifecycleIn(workdir: string) {
  const store = new FileArtifactStore({ root: join(workdir, 'artifacts') });
  return { store, ...createArtifactLifecycle({ store, render: renderArtifactPath }) };
}

describe('afterSuccess', () => {
  it('stores each rendered output and returns one artifact.stored event each', async () => {
    using dir = makeTempDir();
    const { store, afterSuccess } = lifecycleIn(dir.path);
    const task = plannedTask('extract', { name: 'extract_orders', output_artifacts: [{ path: 'orders_{{ ds }}.jsonl', type: 'dataset' }, { path: '{{ REGION }}/{{ task.name }}.log' }] });
    const attempt = attemptOf(dir.path, FIRST, task);
    const out = attempt.spec.env.OUTPUT_DIR as string;
    writeFileSync(join(out, 'orders_2024-01-15.jsonl'), '{"id":1}\n');
    mkdirSync(join(out, 'emea'));
    writeFileSync(join(out, 'emea', 'extract_orders.log'), 'ok\n');

    const result = await afterSuccess(attempt);
    expect(result.failure).toBeUndefined();
    const stored = await store.list({ executionId: FIRST });
    expect(result.events).toEqual(stored.map((artifact) => ({
      type: 'artifact.stored',
      task: 'extract.extract_orders',
      path: artifact.path,
      artifact_type: artifact.type,
      sha256: artifact.sha256,
      size_bytes: artifact.sizeBytes,
      uri: artifact.uri,
    })));
    expect(stored.map((artifact) => [artifact.path, artifact.type, artifact.sizeBytes])).toEqual([['orders_2024-01-15.jsonl', 'dataset', 9], ['emea/extract_orders.log', 'file', 3]]);
  });

  it('fails the task naming every declared output it did not write, and stores none', async () => {
    using dir = makeTempDir();
    const { store, afterSuccess } = lifecycleIn(dir.path);
    const task = plannedTask('extract', { name: 'extract_orders', output_artifacts: [{ path: 'orders_{{ ds }}.jsonl' }, { path: 'present.csv' }, { path: 'customers.csv' }] });
    const attempt = attemptOf(dir.path, FIRST, task);
    const out = attempt.spec.env.OUTPUT_DIR as string;
    writeFileSync(join(out, 'present.csv'), 'a\n');

    const result = await afterSuccess(attempt);
    expect(result.failure?.reason).toBe(
      `Task extract.extract_orders exited 0 but declared output \`orders_2024-01-15.jsonl\` was not written: expected ${join(out, 'orders_2024-01-15.jsonl')}; ` +
        `declared output \`customers.csv\` was not written: expected ${join(out, 'customers.csv')}`,
    );
    expect(result.events).toEqual([]);
    expect(await store.list({ executionId: FIRST })).toEqual([]);
  });

  it('refuses outputs that leave the output directory: absolute, .. and a symlink out', async () => {
    using dir = makeTempDir();
    const { afterSuccess } = lifecycleIn(dir.path);
    const secret = dir.write('secret.txt', 'do not store');
    const task = plannedTask('s', { name: 't', output_artifacts: [{ path: secret }, { path: '../../../secret.txt' }, { path: 'link.txt' }] });
    const attempt = attemptOf(dir.path, FIRST, task);
    const out = attempt.spec.env.OUTPUT_DIR as string;
    symlinkSync(secret, join(out, 'link.txt'));

    const reason = (await afterSuccess(attempt)).failure?.reason;
    expect(reason).toBe(
      `Task s.t exited 0 but output \`${secret}\` is absolute, but artifact paths are relative to the execution's output directory ($OUTPUT_DIR); ` +
        `output \`../../../secret.txt\` points outside the execution's output directory ${out}; ` +
        `output \`link.txt\` is a link to ${secret}, outside the execution's output directory ${out}`,
    );
  });

  it('fails with every outcome when a validation rule fails, and stores nothing', async () => {
    using dir = makeTempDir();
    const { store, afterSuccess } = lifecycleIn(dir.path);
    const task = plannedTask('validate', {
      name: 'data_quality_checks',
      output_artifacts: [{ path: 'validated_orders_{{ ds }}.jsonl', type: 'dataset' }],
      validation_rules: [{ rule: 'unique_check', column: 'order_id' }, { rule: 'row_count', min: 3 }],
    });
    const attempt = attemptOf(dir.path, FIRST, task);
    writeFileSync(join(attempt.spec.env.OUTPUT_DIR as string, 'validated_orders_2024-01-15.jsonl'), '{"order_id":1}\n{"order_id":2}\n');

    const result = await afterSuccess(attempt);
    expect(result.failure).toEqual({
      reason: '1 of 2 validation rules failed for task validate.data_quality_checks: validated_orders_2024-01-15.jsonl: row_count: 2 rows, expected at least 3',
      validation: [
        { rule: 'unique_check', passed: true, measured: { rows: 2, values: 2, distinct: 2, duplicates: 0, unique_ratio: 1, threshold: 1 }, message: expect.stringContaining('2 distinct values') },
        { rule: 'row_count', passed: false, measured: { rows: 2, min: 3 }, message: 'validated_orders_2024-01-15.jsonl: row_count: 2 rows, expected at least 3' },
      ],
    });
    expect(await store.list({ executionId: FIRST })).toEqual([]);
  });

  it('copies to a file:// upload_to and records it; a remote upload_to is stored locally and says it was not uploaded', async () => {
    using dir = makeTempDir();
    const { afterSuccess } = lifecycleIn(dir.path);
    // As a user writes it in YAML: a file URL with a template in it.
    const exports = `file://${join(dir.path, 'exports')}/{{ ds }}/`;
    const task = plannedTask('load', { name: 'report', output_artifacts: [{ path: 'report.json', upload_to: exports }, { path: 'orders.csv', upload_to: 's3://raw-data/orders/' }] });
    const attempt = attemptOf(dir.path, FIRST, task);
    const out = attempt.spec.env.OUTPUT_DIR as string;
    writeFileSync(join(out, 'report.json'), '{"rows":2}');
    writeFileSync(join(out, 'orders.csv'), 'id\n1\n');

    const { events, failure } = await afterSuccess(attempt);
    expect(failure).toBeUndefined();
    expect(readFileSync(join(dir.path, 'exports', '2024-01-15', 'report.json'), 'utf8')).toBe('{"rows":2}');
    expect(events[0]).toMatchObject({ path: 'report.json', uploaded_to: pathToFileURL(join(dir.path, 'exports', '2024-01-15', 'report.json')).href });
    expect(events[1]).not.toHaveProperty('uploaded_to');
    expect(events[1]).toMatchObject({ path: 'orders.csv', upload_skipped: 'upload_to s3://raw-data/orders/: s3:// stores are not supported yet; the artifact is kept in the local store only' });
  });

  it('refuses an output whose rendered path or upload_to would hold a secret', async () => {
    using dir = makeTempDir();
    const { store, afterSuccess } = lifecycleIn(dir.path);
    const task = plannedTask('s', { name: 't', output_artifacts: [{ path: 'out_{{ REGION }}.csv' }, { path: 'ok.csv', upload_to: 's3://bucket/{{ REGION }}/' }] });
    const attempt = attemptOf(dir.path, FIRST, task);
    const spec = { ...attempt.spec, secrets: ['emea'] };
    writeFileSync(join(spec.env.OUTPUT_DIR as string, 'out_emea.csv'), 'x\n');
    writeFileSync(join(spec.env.OUTPUT_DIR as string, 'ok.csv'), 'x\n');
    const { failure } = await afterSuccess({ ...attempt, spec });
    expect(failure?.reason).toBe(
      'Task s.t exited 0 but output `out_{{ REGION }}.csv` renders to a path or upload_to holding a secret value: keep secrets out of artifact paths; ' +
        'output `ok.csv` renders to a path or upload_to holding a secret value: keep secrets out of artifact paths',
    );
    expect(JSON.stringify(await store.list({ executionId: FIRST }))).not.toContain('emea');
  });

  it('does nothing for a task without outputs or rules', async () => {
    using dir = makeTempDir();
    const { afterSuccess } = lifecycleIn(dir.path);
    expect(await afterSuccess(attemptOf(dir.path, FIRST, plannedTask('s', { name: 't' })))).toEqual({ events: [] });
  });
});

describe('beforeAttempt', () => {
  it('accepts an output of an earlier task that is in place as stored, by path or by {path, task}', async () => {
    using dir = makeTempDir();
    const { afterSuccess, beforeAttempt } = lifecycleIn(dir.path);
    const producer = plannedTask('extract', { name: 'extract_orders', output_artifacts: [{ path: 'orders_{{ ds }}.jsonl', type: 'dataset' }] });
    const produced = attemptOf(dir.path, FIRST, producer);
    writeFileSync(join(produced.spec.env.OUTPUT_DIR as string, 'orders_2024-01-15.jsonl'), '{"id":1}\n');
    await afterSuccess(produced);

    const consumer = plannedTask('transform', { name: 'transform_orders', input_artifacts: ['orders_{{ ds }}.jsonl', { path: 'orders_{{ ds }}.jsonl', task: 'extract_orders' }] });
    expect(await beforeAttempt(attemptOf(dir.path, FIRST, consumer))).toEqual({ events: [] });
  });

  it('fails naming the input and where it looked when it is unknown, missing or changed', async () => {
    using dir = makeTempDir();
    const { afterSuccess, beforeAttempt } = lifecycleIn(dir.path);
    const producer = plannedTask('extract', { name: 'a', output_artifacts: [{ path: 'a.csv' }, { path: 'b.csv' }] });
    const produced = attemptOf(dir.path, FIRST, producer);
    const out = produced.spec.env.OUTPUT_DIR as string;
    writeFileSync(join(out, 'a.csv'), 'x\n');
    writeFileSync(join(out, 'b.csv'), 'y\n');
    await afterSuccess(produced);
    writeFileSync(join(out, 'a.csv'), 'changed\n');
    rmSync(join(out, 'b.csv'));

    const consumer = plannedTask('transform', { name: 't', input_artifacts: ['a.csv', 'b.csv', 'c.csv', { path: 'a.csv', task: 'other' }, 's3://raw/x.json'] });
    const { failure } = await beforeAttempt(attemptOf(dir.path, FIRST, consumer));
    const parts = failure?.replace('Task transform.t cannot start: ', '').split('; ');
    expect(parts).toEqual([
      expect.stringMatching(new RegExp(`^input \`a.csv\` at ${join(out, 'a.csv')} changed after extract.a stored it \\(sha256 [0-9a-f]{64}, stored [0-9a-f]{64}\\)$`)),
      `input \`b.csv\` was stored by extract.a but is missing from ${join(out, 'b.csv')}`,
      `input \`c.csv\` is not among the artifacts stored by the earlier tasks of execution ${FIRST} (stored: extract.a:a.csv, extract.a:b.csv): declare it in the producing task's output_artifacts and depend on that task`,
      `input \`a.csv\` from task other is not among the artifacts stored by the earlier tasks of execution ${FIRST} (stored: extract.a:a.csv, extract.a:b.csv): declare it in the producing task's output_artifacts and depend on that task`,
      'input `s3://raw/x.json` is in a s3:// store, which is not supported yet: produce it in an earlier task, or name an artifact of another execution with `execution:`',
    ]);
  });

  it('copies an artifact of another execution into this one\'s output directory, verified', async () => {
    using dir = makeTempDir();
    const { afterSuccess, beforeAttempt } = lifecycleIn(dir.path);
    const producer = plannedTask('train', { name: 'fit', output_artifacts: [{ path: 'model/weights.bin', type: 'model' }] });
    const produced = attemptOf(dir.path, FIRST, producer);
    mkdirSync(join(produced.spec.env.OUTPUT_DIR as string, 'model'));
    writeFileSync(join(produced.spec.env.OUTPUT_DIR as string, 'model', 'weights.bin'), Buffer.from([1, 2, 3, 4]));
    await afterSuccess(produced);

    const consumer = plannedTask('score', { name: 'predict', input_artifacts: [{ path: 'model/weights.bin', execution: FIRST }] });
    const attempt = attemptOf(dir.path, SECOND, consumer);
    expect(await beforeAttempt(attempt)).toEqual({ events: [] });
    expect([...readFileSync(join(attempt.spec.env.OUTPUT_DIR as string, 'model', 'weights.bin'))]).toEqual([1, 2, 3, 4]);
    // A retry finds it already there and leaves it.
    expect(await beforeAttempt(attempt)).toEqual({ events: [] });

    const missing = plannedTask('score', { name: 'other', input_artifacts: [{ path: 'model/bias.bin', execution: FIRST }, { path: 'x', execution: 'no such id' }] });
    const { failure } = await beforeAttempt(attemptOf(dir.path, SECOND, missing));
    expect(failure).toContain(`input \`model/bias.bin\` is not among the artifacts stored by execution ${FIRST} (stored: train.fit:model/weights.bin)`);
    expect(failure).toContain('Expected an execution id of letters, digits');
  });
});
