import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeHookHarness, plannedTask, SECRET, startReceiver } from './hook-fixtures.js';

describe('notify and webhook hooks', () => {
  it('POST the run summary with when and hook, to a templated URL', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver();
    const harness = makeHookHarness(dir.path);
    const task = plannedTask({ type: 'noop' });
    const events = await harness.run('on_failure', [{ type: 'notify', config: { webhook: `${receiver.url}/{{ REGION }}`, severity: 'critical' } }], {
      task,
      summary: { pipeline: 'sales', execution: harness.executionId, status: 'failed', task: task.id, reason: 'exit code 3', ds: '2024-01-15' },
    });

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/hooks/alerts/eu');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      pipeline: 'sales',
      execution: harness.executionId,
      status: 'failed',
      task: 'extract.orders',
      reason: 'exit code 3',
      ds: '2024-01-15',
      when: 'on_failure',
      hook: 'notify',
      severity: 'critical',
    });
    expect(events).toEqual([{ type: 'hook.ran', task: 'extract.orders', when: 'on_failure', hook_type: 'notify', status: 'sent', message: `POST ${receiver.url}/eu: HTTP 200 after 1 attempt` }]);
  });

  it('retries after 5xx responses and reports the delivery', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver([500, 503]);
    const events = await makeHookHarness(dir.path).run('notifications.on_failure', [{ type: 'webhook', config: { url: receiver.url } }]);

    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((request) => request.body)).size).toBe(1);
    expect(events[0]).toMatchObject({ status: 'sent', message: `POST ${receiver.url}: HTTP 200 after 3 attempts` });
    expect(events[0]).not.toHaveProperty('task');
  });

  it('gives up after three 5xx responses, quoting the last', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver([502, 502, 503, 200]);
    const [event] = await makeHookHarness(dir.path).run('notifications.on_failure', [{ type: 'webhook', config: { url: receiver.url } }]);

    expect(receiver.requests).toHaveLength(3);
    expect(event).toMatchObject({ status: 'failed', message: `POST ${receiver.url} failed after 3 attempts: HTTP 503 Service Unavailable: try again later` });
  });

  it('never retries a 4xx: the receiver refused the request', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver([400]);
    const [event] = await makeHookHarness(dir.path).run('notifications.on_success', [{ type: 'notify', config: { webhook: receiver.url } }]);

    expect(receiver.requests).toHaveLength(1);
    expect(event).toMatchObject({ status: 'failed', message: `POST ${receiver.url} refused, not retried: HTTP 400 Bad Request: invalid_payload` });
  });

  it('times out a receiver that never answers, per attempt, and retries', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver(['hang', 'hang', 'hang']);
    const [event] = await makeHookHarness(dir.path).run('notifications.on_failure', [{ type: 'webhook', timeout: '200ms', config: { url: receiver.url } }]);

    expect(receiver.requests).toHaveLength(3);
    expect(event).toMatchObject({ status: 'failed', message: `POST ${receiver.url} failed after 3 attempts: no response within 0.2 s` });
  });

  it('reports a receiver that is not there as a failed hook, not a crash', async () => {
    using dir = makeTempDir();
    const receiver = await startReceiver();
    const url = receiver.url;
    await receiver[Symbol.asyncDispose]();
    const [event] = await makeHookHarness(dir.path).run('notifications.on_failure', [{ type: 'webhook', config: { url } }]);

    expect(event?.status).toBe('failed');
    expect(event?.message).toMatch(new RegExp(`^POST ${url} failed after 3 attempts: fetch failed: .*ECONNREFUSED`));
  });

  it('sends a rendered template file as the body, with rendered headers, and never prints the secret', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver();
    const harness = makeHookHarness(dir.path);
    dir.write('repo/templates/alert.json', '{ "text": "{{ pipeline.name }} failed for {{ ds }}", "region": "{{ REGION }}" }\n');
    const [event] = await harness.run('notifications.on_failure', [
      { type: 'notify', config: { webhook: `${receiver.url}?token={{ secrets.API_TOKEN }}`, template: './templates/alert.json', headers: { authorization: 'Bearer {{ secrets.API_TOKEN }}' } } },
    ]);

    expect(JSON.parse(receiver.requests[0]?.body ?? '')).toEqual({ text: 'sales failed for 2024-01-15', region: 'eu' });
    expect(receiver.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(receiver.requests[0]?.url).toBe(`/hooks/alerts?token=${SECRET}`);
    expect(event).toMatchObject({ status: 'sent', message: `POST ${receiver.url}: HTTP 200 after 1 attempt` });
  });

  it('redacts secrets the run put into the summary before sending it', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver();
    const harness = makeHookHarness(dir.path);
    const task = plannedTask({ type: 'noop' });
    await harness.run('on_failure', [{ type: 'notify', config: { webhook: receiver.url } }], {
      task,
      spec: harness.specOf(task, {}, [SECRET]),
      summary: { pipeline: 'sales', status: 'failed', reason: `curl: 401 for token ${SECRET}`, details: [{ line: SECRET }] },
    });

    expect(receiver.requests[0]?.body).not.toContain(SECRET);
    expect(JSON.parse(receiver.requests[0]?.body ?? '')).toMatchObject({ reason: 'curl: 401 for token [redacted]', details: [{ line: '[redacted]' }] });
  });

  it('fails with the reason when the URL or the template is wrong, and sends nothing', async () => {
    using dir = makeTempDir();
    dir.write('repo/templates/broken.json', '{ "text": "{{ pipeline.name }}", }');
    const events = await makeHookHarness(dir.path).run('notifications.on_failure', [
      { type: 'webhook', config: { url: 'ftp://127.0.0.1/x' } },
      { type: 'webhook', config: { url: '{{ UNDEFINED_NAME }}' } },
      { type: 'notify', config: { webhook: 'http://127.0.0.1:9/x', template: './templates/broken.json' } },
      { type: 'notify', config: { webhook: 'http://127.0.0.1:9/x', template: './templates/missing.json' } },
      { type: 'notify', config: {} },
    ]);

    expect(events.map((event) => [event.status, event.message])).toEqual([
      ['failed', '`ftp://127.0.0.1/x` is not an http:// or https:// URL'],
      ['failed', expect.stringContaining('`{{ UNDEFINED_NAME }}` is not defined')],
      ['failed', expect.stringMatching(/^the template \.\/templates\/broken\.json is not valid JSON once rendered \(.+\); fix the file$/)],
      ['failed', 'cannot read the template ./templates/missing.json (ENOENT)'],
      ['failed', 'A `notify` hook needs `config.webhook` or `config.url`; nothing was sent'],
    ]);
  });
});

describe('slack hook', () => {
  it('POSTs {text}: the rendered message, or a one-line summary', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver();
    const events = await makeHookHarness(dir.path).run('notifications.on_success', [
      { type: 'slack', config: { webhook: receiver.url, message: '{{ pipeline.name }} done for {{ ds }}' } },
      { type: 'slack', config: { webhook: receiver.url, channel: '#data' } },
    ], { summary: { pipeline: 'sales', status: 'succeeded' } });

    expect(receiver.requests.map((request) => JSON.parse(request.body) as unknown)).toEqual([
      { text: 'sales done for 2024-01-15' },
      { text: expect.stringMatching(/^Pipeline sales: execution succeeded \[notifications\.on_success, execution [0-9a-f-]{36}\]$/) },
    ]);
    expect(events.map((event) => event.status)).toEqual(['sent', 'sent']);
  });
});
