import { describe, expect, it } from 'vitest';
import { DeliveryCache } from '../../src/github/delivery-cache.js';
import { loadGithubSettings } from '../../src/github/github-settings.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const base = { ORCHESTRATE_GITHUB_REPOSITORY: 'octo-org/pipelines', ORCHESTRATE_GITHUB_TOKEN: 'ghs_x' };

describe('controller GitHub settings', () => {
  it('reads secrets from the environment or from a file', () => {
    using dir = makeTempDir();
    const file = dir.write('webhook-secret', 's3cret\n');
    expect(loadGithubSettings({ ...base, ORCHESTRATE_GITHUB_WEBHOOK_SECRET_FILE: file })).toEqual({ webhookSecret: 's3cret', token: 'ghs_x', repository: { owner: 'octo-org', repo: 'pipelines' }, apiUrl: 'https://api.github.com' });
    expect(loadGithubSettings({ ...base, ORCHESTRATE_GITHUB_WEBHOOK_SECRET: 'direct', GITHUB_API_URL: 'https://ghe.example/api/v3' })).toMatchObject({ webhookSecret: 'direct', apiUrl: 'https://ghe.example/api/v3' });
  });

  it.each([
    [{ ...base }, 'ORCHESTRATE_GITHUB_WEBHOOK_SECRET is not set: set it (or ORCHESTRATE_GITHUB_WEBHOOK_SECRET_FILE, a file holding it) to the secret entered in the repository\'s webhook settings'],
    [{ ...base, ORCHESTRATE_GITHUB_WEBHOOK_SECRET: 'a', ORCHESTRATE_GITHUB_WEBHOOK_SECRET_FILE: '/x' }, 'Both ORCHESTRATE_GITHUB_WEBHOOK_SECRET and ORCHESTRATE_GITHUB_WEBHOOK_SECRET_FILE are set; keep one'],
    [{ ...base, ORCHESTRATE_GITHUB_WEBHOOK_SECRET_FILE: '/nonexistent/secret' }, 'Could not read ORCHESTRATE_GITHUB_WEBHOOK_SECRET_FILE (/nonexistent/secret)'],
    [{ ...base, ORCHESTRATE_GITHUB_WEBHOOK_SECRET: 's', ORCHESTRATE_GITHUB_REPOSITORY: 'just-a-name' }, 'ORCHESTRATE_GITHUB_REPOSITORY must be "owner/name", got "just-a-name"'],
  ])('names the setting and the fix (%#)', (env, message) => {
    expect(() => loadGithubSettings(env)).toThrow(message);
  });
});

describe('the delivery cache', () => {
  it('remembers ids up to its capacity, forgetting the oldest first', () => {
    const cache = new DeliveryCache(2);
    expect([cache.remember('a'), cache.remember('b'), cache.remember('a')]).toEqual([true, true, false]);
    expect(cache.remember('c')).toBe(true);
    expect(cache.size).toBe(2);
    expect([cache.remember('a'), cache.remember('c')]).toEqual([true, false]);
  });
});
