import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeHookHarness, plannedTask } from './hook-fixtures.js';

describe('quarantine hook', () => {
  it("moves the task's declared outputs into the execution's quarantine and lists missing ones", async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    const outside = join(dir.path, 'tmp', 'orders_2024-01-15.json');
    const task = plannedTask({
      type: 'python_script',
      script: 'x.py',
      output_artifacts: [{ path: 'orders_{{ ds }}.csv' }, { path: 'parts/{{ REGION }}.csv' }, { path: outside.replace('2024-01-15', '{{ ds }}') }, { path: 'never_written.csv' }],
    });
    dir.write(`work/executions/${harness.executionId}/output/orders_2024-01-15.csv`, 'id\n1\n');
    dir.write(`work/executions/${harness.executionId}/output/parts/eu.csv`, 'id\n2\n');
    dir.write('tmp/orders_2024-01-15.json', '[]');
    const [event] = await harness.run('on_failure', [{ type: 'quarantine', config: { destination: 's3://quarantine/{{ ds }}/' } }], { task, spec: harness.specOf(task) });

    const target = join(harness.workdir, 'executions', harness.executionId, 'quarantine', 'extract.orders');
    const outsideName = outside.slice(1);
    expect(event).toEqual({
      type: 'hook.ran',
      task: 'extract.orders',
      when: 'on_failure',
      hook_type: 'quarantine',
      status: 'sent',
      message: `moved orders_2024-01-15.csv, parts/eu.csv, ${outsideName} to ${target}; missing: never_written.csv; the destination s3://quarantine/2024-01-15/ is remote, which is not supported yet; the files are kept in the local quarantine`,
    });
    expect(readFileSync(join(target, 'orders_2024-01-15.csv'), 'utf8')).toBe('id\n1\n');
    expect(readFileSync(join(target, 'parts/eu.csv'), 'utf8')).toBe('id\n2\n');
    expect(readFileSync(join(target, outsideName), 'utf8')).toBe('[]');
    expect(existsSync(join(harness.outputDir, 'orders_2024-01-15.csv'))).toBe(false);
    expect(existsSync(outside)).toBe(false);
  });

  it('moves into a local destination given as a path or a file:// URL, under the task', async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    const task = plannedTask({ type: 'noop', output_artifacts: [{ path: 'a.csv' }] });
    const destination = join(dir.path, 'bad-data');
    mkdirSync(destination);
    dir.write(`work/executions/${harness.executionId}/output/a.csv`, 'a');
    const [first] = await harness.run('on_failure', [{ type: 'quarantine', config: { destination: pathToFileURL(destination).href } }], { task, spec: harness.specOf(task) });
    expect(first).toMatchObject({ status: 'sent', message: `moved a.csv to ${join(destination, 'extract.orders')}` });
    expect(readFileSync(join(destination, 'extract.orders', 'a.csv'), 'utf8')).toBe('a');

    const [second] = await harness.run('on_failure', [{ type: 'quarantine', config: { destination } }], { task, spec: harness.specOf(task) });
    expect(second).toMatchObject({ status: 'sent', message: 'nothing to move; missing: a.csv' });
  });

  it('has nothing to move for a task without outputs, and fails at pipeline level', async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    const task = plannedTask({ type: 'noop' });
    const [onTask] = await harness.run('on_failure', [{ type: 'quarantine' }], { task, spec: harness.specOf(task) });
    const [onPipeline] = await harness.run('notifications.on_failure', [{ type: 'quarantine', config: { destination: '/tmp/q' } }]);

    expect(onTask).toMatchObject({ status: 'sent', message: 'nothing to move' });
    expect(onPipeline).toMatchObject({ status: 'failed', message: expect.stringContaining("belongs in a task's `on_failure`") });
  });
});
