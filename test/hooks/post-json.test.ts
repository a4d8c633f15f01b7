import { describe, expect, it } from 'vitest';
import { postJson } from '../../src/notify/post-json.js';
import { startReceiver } from './hook-fixtures.js';

describe('postJson', () => {
  it('sends the body as written, with the caller headers over the JSON content type', async () => {
    await using receiver = await startReceiver([201]);
    const delivery = await postJson({ url: receiver.url, body: '{"a":1}', headers: { 'content-type': 'application/vnd.alert+json', 'x-source': 'orchestrate' }, timeoutMs: 5000 });

    expect(delivery).toEqual({ delivered: true, attempts: 1, status: 201 });
    expect(receiver.requests[0]).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/vnd.alert+json', 'x-source': 'orchestrate' } });
  });

  it('stops at the number of attempts asked for and says the failure may pass later', async () => {
    await using receiver = await startReceiver([500, 500]);
    const delivery = await postJson({ url: receiver.url, body: '{}', timeoutMs: 5000 }, { attempts: 2, initialDelayMs: 1 });

    expect(receiver.requests).toHaveLength(2);
    expect(delivery).toEqual({ delivered: false, attempts: 2, status: 500, failure: 'HTTP 500 Internal Server Error: try again later', retryable: true });
  });
});
