import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { isAlive, makeLeakGuard } from '../executors/process-helpers.js';
import { makeHookHarness, plannedTask, SECRET } from './hook-fixtures.js';

const guard = makeLeakGuard();

afterEach(() => {
  const leaked = guard.leaked();
  guard.killLeaked();
  expect(leaked, 'processes a hook left running').toEqual([]);
});

/** A harness whose checkout exists, since shell hooks run in it. */
function harnessIn(dir: { path: string }) {
  const harness = makeHookHarness(dir.path, { killGraceMs: 200 });
  mkdirSync(harness.workspace, { recursive: true });
  return harness;
}

describe('shell hook', () => {
  it('runs with the attempt env, in the checkout, and reports the exit code and output', async () => {
    using dir = makeTempDir();
    const harness = harnessIn(dir);
    const task = plannedTask({ type: 'shell', command: 'true' });
    const [event] = await harness.run('post_hooks', [{ type: 'shell', command: 'echo "$TABLE $HOOK_WHEN $HOOK_STATUS {{ REGION }} $(pwd)"' }], {
      task,
      spec: harness.specOf(task, { TABLE: 'orders', ...guard.env }),
      summary: { pipeline: 'sales', status: 'succeeded' },
    });

    expect(event).toEqual({ type: 'hook.ran', task: 'extract.orders', when: 'post_hooks', hook_type: 'shell', status: 'sent', message: `exit code 0; output:\norders post_hooks succeeded eu ${harness.workspace}` });
  });

  it('fails with a non-zero exit code and the last lines of output', async () => {
    using dir = makeTempDir();
    const harness = harnessIn(dir);
    const task = plannedTask({ type: 'noop' });
    const [event] = await harness.run('on_failure', [{ type: 'shell', config: { command: 'echo cleaning; echo "no space left" >&2; exit 3' } }], { task, spec: harness.specOf(task, guard.env) });

    expect(event).toMatchObject({ status: 'failed', message: 'exit code 3; output:\ncleaning\nno space left' });
  });

  it('runs pipeline notifications with the execution id, from the checkout', async () => {
    using dir = makeTempDir();
    const harness = harnessIn(dir);
    const marker = join(dir.path, 'marker');
    const [event] = await harness.run('notifications.on_failure', [{ type: 'shell', command: `echo "$EXECUTION_ID $HOOK_WHEN" > ${marker}` }]);

    expect(event).toMatchObject({ status: 'sent', message: 'exit code 0' });
    expect(readFileSync(marker, 'utf8')).toBe(`${harness.executionId} notifications.on_failure\n`);
  });

  it('kills the whole process group on timeout', async () => {
    using dir = makeTempDir();
    const harness = harnessIn(dir);
    const task = plannedTask({ type: 'noop' });
    const pidFile = join(dir.path, 'child.pid');
    const [event] = await harness.run('on_failure', [{ type: 'shell', timeout: '300ms', command: `sleep 30 & echo $! > ${pidFile}; echo started; wait` }], { task, spec: harness.specOf(task, guard.env) });

    expect(event).toMatchObject({ status: 'failed', message: 'timed out after 0.3 s; its process group was killed; output:\nstarted' });
    expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('redacts secrets from the env and from the rendered command in its output', async () => {
    using dir = makeTempDir();
    const harness = harnessIn(dir);
    const task = plannedTask({ type: 'noop' });
    const events = await harness.run(
      'on_failure',
      [
        { type: 'shell', command: 'echo "token=$API_TOKEN"' },
        { type: 'shell', command: 'echo "rendered={{ secrets.API_TOKEN }}"; exit 1' },
      ],
      { task, spec: harness.specOf(task, { API_TOKEN: SECRET, ...guard.env }, [SECRET]) },
    );

    expect(events.map((event) => event.message)).toEqual(['exit code 0; output:\ntoken=[redacted]', 'exit code 1; output:\nrendered=[redacted]']);
  });

  it('redacts a secret the command rendered even when the attempt did not know it', async () => {
    using dir = makeTempDir();
    const harness = harnessIn(dir);
    const [event] = await harness.run('notifications.on_failure', [{ type: 'shell', command: 'echo "{{ secrets.API_TOKEN }}"; exit 2' }]);

    expect(event?.message).toBe('exit code 2; output:\n[redacted]');
    expect(JSON.stringify(event)).not.toContain(SECRET);
  });

  it('fails when the command cannot render, naming the template', async () => {
    using dir = makeTempDir();
    const harness = harnessIn(dir);
    const [event] = await harness.run('notifications.on_failure', [{ type: 'shell', command: 'echo {{ NOPE }}' }]);

    expect(event).toMatchObject({ status: 'failed', message: expect.stringContaining('`{{ NOPE }}` is not defined') });
  });
});
