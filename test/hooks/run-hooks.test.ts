import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeHookHarness, plannedTask, SECRET, startReceiver } from './hook-fixtures.js';

describe('log hook', () => {
  it.each([
    ['debug', 'debug'],
    ['info', 'info'],
    ['warning', 'warn'],
    ['WARN', 'warn'],
    ['error', 'error'],
  ])('config.level %s writes at %s', async (configured, level) => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    const [event] = await harness.run('notifications.on_retry', [{ type: 'log', config: { level: configured, message: '{{ pipeline.name }} retrying for {{ ds }}' } }]);

    expect(harness.logs).toEqual([{ level, message: 'sales retrying for 2024-01-15', fields: { execution_id: harness.executionId, when: 'notifications.on_retry', hook_type: 'log' } }]);
    expect(event).toEqual({ type: 'hook.ran', when: 'notifications.on_retry', hook_type: 'log', status: 'sent', message: `logged at ${level}: sales retrying for 2024-01-15` });
  });

  it('logs a one-line summary at info by default, and redacts secrets before logging', async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    const task = plannedTask({ type: 'noop' });
    await harness.run('on_failure', [{ type: 'log' }, { type: 'log', config: { message: 'token {{ secrets.API_TOKEN }}' } }], {
      task,
      summary: { pipeline: 'sales', status: 'failed', reason: 'exit code 1' },
    });

    expect(harness.logs.map(({ level, message, fields }) => [level, message, fields.task])).toEqual([
      ['info', `Pipeline sales: task extract.orders failed (exit code 1) [on_failure, execution ${harness.executionId}]`, 'extract.orders'],
      ['info', 'token [redacted]', 'extract.orders'],
    ]);
  });

  it('fails on an unknown level and logs nothing', async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    const [event] = await harness.run('notifications.on_retry', [{ type: 'log', config: { level: 'loud' } }]);

    expect(event).toMatchObject({ status: 'failed', message: "A `log` hook's `config.level` must be debug, info, warning or error, got `loud`; nothing was logged" });
    expect(harness.logs).toEqual([]);
  });
});

describe('hook lists', () => {
  it('report each type not built yet as unsupported, never silently', async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    const events = await harness.run('notifications.on_failure', [
      { type: 'email', config: { to: ['data-team@example.com'] } },
      { type: 'pagerduty', config: { service_key: 'x' } },
      { type: 'reject' },
      { type: 'promote' },
    ]);

    expect(events.map(({ hook_type, status, message }) => [hook_type, status, message])).toEqual([
      ['email', 'unsupported', 'sending email is not supported yet; use a `notify` webhook or a `shell` hook; nothing was sent'],
      ['pagerduty', 'unsupported', 'PagerDuty is not supported yet; use a `notify` webhook to its Events API; nothing was sent'],
      ['reject', 'unsupported', 'rejecting a model is not supported yet; nothing was changed'],
      ['promote', 'unsupported', 'promoting a model is not supported yet; nothing was changed'],
    ]);
  });

  it('run in order, one event each, and go on after one fails', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver([400]);
    const harness = makeHookHarness(dir.path);
    const events = await harness.run('notifications.on_failure', [
      { type: 'log', config: { message: 'first' } },
      { type: 'webhook', config: { url: receiver.url } },
      { type: 'email' },
      { type: 'log', config: { message: 'last' } },
    ]);

    expect(events.map((event) => [event.hook_type, event.status])).toEqual([
      ['log', 'sent'],
      ['webhook', 'failed'],
      ['email', 'unsupported'],
      ['log', 'sent'],
    ]);
    expect(harness.logs.map((line) => line.message)).toEqual(['first', 'last']);
  });

  it('turn an invalid timeout or a broken fetch into a failed event, with secrets redacted', async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path, {
      fetch: () => Promise.reject(new Error(`proxy refused ${SECRET}`)),
    });
    const events = await harness.run('notifications.on_failure', [
      { type: 'webhook', timeout: 'soon', config: { url: 'http://127.0.0.1:9/x' } },
      { type: 'webhook', config: { url: 'http://127.0.0.1:9/{{ secrets.API_TOKEN }}' } },
    ]);

    expect(events[0]).toMatchObject({ status: 'failed', message: expect.stringContaining("the hook's timeout is invalid: Invalid duration `soon`") });
    expect(events[1]).toMatchObject({ status: 'failed', message: 'POST http://127.0.0.1:9/[redacted] failed after 3 attempts: proxy refused [redacted]' });
  });

  it('return no events for an empty list', async () => {
    using dir = makeTempDir();
    expect(await makeHookHarness(dir.path).run('post_hooks', [])).toEqual([]);
  });
});
