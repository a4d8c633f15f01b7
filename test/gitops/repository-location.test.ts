import { describe, expect, it } from 'vitest';
import { locateRepository, sanitize } from '../../src/gitops/repository-location.js';

describe('locateRepository', () => {
  const cases = [
    { name: 'https with a token from the environment', repo: 'https://github.com/acme/pipes.git', env: { ORCHESTRATE_GIT_TOKEN: 'ghs_secret' }, display: 'https://github.com/acme/pipes.git', header: `Authorization: Basic ${Buffer.from('x-access-token:ghs_secret').toString('base64')}` },
    { name: 'https with credentials in the URL', repo: 'https://bot:p%40ss@git.example.com/pipes', env: {}, display: 'https://git.example.com/pipes', header: `Authorization: Basic ${Buffer.from('bot:p@ss').toString('base64')}` },
    { name: 'https without credentials', repo: 'https://git.example.com/pipes.git', env: {}, display: 'https://git.example.com/pipes.git', header: undefined },
    { name: 'ssh URL, never a header', repo: 'ssh://git@git.example.com/acme/pipes.git', env: { ORCHESTRATE_GIT_TOKEN: 't' }, display: 'ssh://git.example.com/acme/pipes.git', header: undefined },
    { name: 'scp-like ssh', repo: 'git@github.com:acme/pipes.git', env: {}, display: 'git@github.com:acme/pipes.git', header: undefined },
  ];
  for (const { name, repo, env, display, header } of cases) {
    it(name, () => {
      const location = locateRepository(repo, env);
      expect(location.display).toBe(display);
      expect(location.fetchUrl).toBe(display);
      expect(location.authHeader).toBe(header);
      expect(location.stableName).toMatch(/^pipes-[0-9a-f]{12}$/);
    });
  }

  it('gives the same mirror name to the same repository whatever credentials reach it', () => {
    expect(locateRepository('https://a:b@git.example.com/pipes', {}).stableName).toBe(locateRepository('https://git.example.com/pipes', {}).stableName);
  });

  it('refuses what is not a repository, saying what is accepted', () => {
    expect(() => locateRepository('', {})).toThrow('`--repo` is empty; give a local path or a Git URL');
    expect(() => locateRepository('ftp://host/pipes', {})).toThrow('Repository URLs use https://, ssh://, git:// or file://, got `ftp://`');
    expect(() => locateRepository('/no/such/dir', {})).toThrow('Repository `/no/such/dir` does not exist (looked for /no/such/dir); give a local path or a Git URL');
  });

  it('strips userinfo and every secret, in plain and percent-encoded form, from messages', () => {
    const location = locateRepository('https://bot:p%40ss@git.example.com/pipes', { ORCHESTRATE_GIT_TOKEN: 'tok' });
    expect(sanitize("fatal: unable to access 'https://bot:p%40ss@git.example.com/pipes/': p@ss p%40ss", location)).toBe("fatal: unable to access 'https://git.example.com/pipes/': *** ***");
  });
});
