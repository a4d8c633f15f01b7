import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { GitSource } from '../../src/gitops/git-source.js';
import type { ChangedFile } from '../../src/gitops/source.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** What `git diff --name-status --no-renames` itself says, in the same shape. */
function gitDiff(repo: string, base: string, head: string): ChangedFile[] {
  const parts = execFileSync('git', ['diff', '--name-status', '--no-renames', '-z', base, head, '--'], { cwd: repo, encoding: 'utf8' }).split('\0');
  const changed: ChangedFile[] = [];
  for (let index = 0; index + 1 < parts.length; index += 2) {
    const code = parts[index]?.charAt(0);
    changed.push({ path: parts[index + 1] as string, status: code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified' });
  }
  return changed;
}

describe('GitSource.diff', () => {
  it('lists what git diff lists, commit after commit, through nested, moved, retyped and re-moded files', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const at = (path: string) => join(repo.path, path);
    const commits = [repo.commit({ 'a.txt': 'a\n', 'a-b': 'x\n', 'a/b.txt': 'b\n', 'deep/er/est/file.yaml': 'one\n', 'scripts/run.sh': 'echo\n', 'name with space.txt': 's\n', 'ünïcode.txt': 'u\n' })];
    // A change deep in a tree, beside siblings whose names sort around `/`.
    commits.push(repo.commit({ 'deep/er/est/file.yaml': 'two\n', 'deep/er/new.txt': 'n\n', 'a-b': null, 'a.txt': 'a2\n' }));
    chmodSync(at('scripts/run.sh'), 0o755);
    commits.push(repo.commit({}));
    symlinkSync('a.txt', at('link'));
    commits.push(repo.commit({}));
    // The symbolic link becomes a directory holding a file.
    rmSync(at('link'));
    mkdirSync(at('link'));
    commits.push(repo.commit({ 'link/inside.txt': 'i\n', 'ünïcode.txt': null }));
    // A whole directory goes, and a file takes the place of a directory.
    rmSync(at('deep'), { recursive: true });
    rmSync(at('a'), { recursive: true });
    commits.push(repo.commit({ a: 'now a file\n' }));
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    for (const [index, head] of commits.entries()) {
      for (const base of commits.slice(0, index)) {
        const expected = gitDiff(repo.path, base, head);
        expect(expected.length).toBeGreaterThan(0);
        expect(await source.diff(base, head)).toEqual(expected);
      }
    }
    expect(await source.diff(commits[1] as string, commits[1] as string)).toEqual([]);
    source.close();
  });

  it('says which commit is missing from the mirror', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const sha = repo.commit({ 'a.txt': 'a\n' });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    await expect(source.diff(sha, 'f'.repeat(40))).rejects.toThrow(`No commit ${'f'.repeat(40)}`);
    source.close();
  });
});
