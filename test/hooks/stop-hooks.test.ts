import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../executors/process-helpers.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeHookHarness, plannedTask, startReceiver } from './hook-fixtures.js';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}

describe('stopping hooks', () => {
  it('kills a running shell hook and runs none of the rest', async () => {
    using dir = makeTempDir();
    const stop = new AbortController();
    const harness = makeHookHarness(dir.path, { signal: stop.signal, killGraceMs: 200 });
    mkdirSync(harness.workspace, { recursive: true });
    const task = plannedTask({ type: 'noop' });
    const pidFile = join(dir.path, 'hook.pid');
    const running = harness.run('on_failure', [{ type: 'shell', command: `sleep 30 & echo $! > ${pidFile}; wait` }, { type: 'log' }], { task, spec: harness.specOf(task) });
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
    stop.abort();
    const events = await running;

    expect(events.map(({ hook_type, status, message }) => [hook_type, status, message])).toEqual([
      ['shell', 'failed', 'stopped; its process group was killed'],
      ['log', 'failed', 'not run: hooks were stopped'],
    ]);
    expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
    expect(harness.logs).toEqual([]);
  });

  it('drops a webhook request in flight and does not retry it', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver(['hang']);
    const stop = new AbortController();
    const harness = makeHookHarness(dir.path, { signal: stop.signal });
    const running = harness.run('notifications.on_failure', [{ type: 'webhook', config: { url: receiver.url } }]);
    await until(() => receiver.requests.length > 0);
    stop.abort();
    const [event] = await running;

    expect(event).toMatchObject({ status: 'failed', message: `POST ${receiver.url}: stopped before it was delivered (1 attempt)` });
    expect(receiver.requests).toHaveLength(1);
  });
});
