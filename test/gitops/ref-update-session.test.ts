import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { RefUpdateSession } from '../../src/gitops/ref-update-session.js';
import { locateRepository } from '../../src/gitops/repository-location.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('RefUpdateSession', () => {
  it('points refs at commits one transaction at a time, and after a refused one goes on with a new git', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const v1 = repo.commit({ 'a.txt': 'one\n' });
    const v2 = repo.commit({ 'a.txt': 'two\n' });
    const refs = new RefUpdateSession(join(repo.path, '.git'), locateRepository(repo.path));
    const show = (ref: string) => execFileSync('git', ['rev-parse', '--verify', '--quiet', ref], { cwd: repo.path, encoding: 'utf8' }).trim();
    await Promise.all([refs.update('refs/orchestrate/pins/one', v1), refs.update('refs/orchestrate/pins/two', v2)]);
    expect([show('refs/orchestrate/pins/one'), show('refs/orchestrate/pins/two')]).toEqual([v1, v2]);
    await expect(refs.update('refs/orchestrate/pins/none', 'f'.repeat(40))).rejects.toThrow(/nonexistent object/);
    await refs.update('refs/orchestrate/pins/again', v2);
    expect(show('refs/orchestrate/pins/again')).toBe(v2);
    refs.close();
  });
});
