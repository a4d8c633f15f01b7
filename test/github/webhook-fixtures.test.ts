import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { checkWebhookPayload } from './support/webhook-schemas.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'github');

describe('webhook payload fixtures match GitHub\'s webhook schemas', () => {
  it.each([
    ['pull_request.opened.json', 'webhook-pull-request-opened'],
    ['pull_request.synchronize.json', 'webhook-pull-request-synchronize'],
    ['pull_request.closed.json', 'webhook-pull-request-closed'],
    ['push.json', 'webhook-push'],
    ['issue_comment.created.json', 'webhook-issue-comment-created'],
  ])('%s is a valid %s', (file, schema) => {
    const payload = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as unknown;
    expect(checkWebhookPayload(schema, payload)).toEqual([]);
  });

  it('the check can fail: a pull_request payload without its pull request is refused', () => {
    const payload = JSON.parse(readFileSync(join(FIXTURES, 'pull_request.opened.json'), 'utf8')) as Record<string, unknown>;
    delete payload.pull_request;
    expect(checkWebhookPayload('webhook-pull-request-opened', payload)).toContain('/ must have required property \'pull_request\'');
  });
});
