import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { GitSource } from '../../src/gitops/git-source.js';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline, writeLetter } from './git-fixture.js';

function setUp(temp: { path: string }) {
  const repo = makeGitRepo(join(temp.path, 'origin'));
  const v1 = repo.commit({ 'pipelines/letters.yaml': scriptPipeline('letters'), 'scripts/letters.js': writeLetter('A') });
  const v2 = repo.commit({ 'scripts/letters.js': writeLetter('B') });
  const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
  return { repo, v1, v2, source };
}

async function withWorkspace<T>(dir: string, body: () => T): Promise<T> {
  try {
    return body();
  } finally {
    await makeWritable(dir);
  }
}

describe('GitSource', () => {
  it('resolves branches to the SHA they point at and keeps a bare mirror under the work directory', async () => {
    using temp = makeTempDir();
    const { source, v2, repo } = setUp(temp);
    expect(await source.fetch()).toBe(v2);
    expect(await source.resolve('main')).toBe(v2);
    expect(await source.resolve(v2.slice(0, 10))).toBe(v2);
    expect(source.mirror).toMatch(/[/\\]work[/\\]repos[/\\]origin-[0-9a-f]{12}\.git$/);
    expect(execFileSync('git', ['--git-dir', source.mirror, 'rev-parse', '--is-bare-repository'], { encoding: 'utf8' }).trim()).toBe('true');
    await expect(source.resolve('no-such-branch')).rejects.toThrow(`No commit \`no-such-branch\` in ${repo.path}`);
  });

  it('reports the files that changed between two commits', async () => {
    using temp = makeTempDir();
    const { source, v1, v2, repo } = setUp(temp);
    const v3 = repo.commit({ 'pipelines/letters.yaml': null, 'pipelines/new.yaml': scriptPipeline('new') });
    await source.fetch();
    expect(await source.diff(v1, v2)).toEqual([{ path: 'scripts/letters.js', status: 'modified' }]);
    expect(await source.diff(v2, v3)).toEqual([
      { path: 'pipelines/letters.yaml', status: 'deleted' },
      { path: 'pipelines/new.yaml', status: 'added' },
    ]);
  });

  it('checks out an old SHA after HEAD moved, with that commit\'s script', async () => {
    using temp = makeTempDir();
    const { source, v1 } = setUp(temp);
    await source.fetch();
    const workspace = join(temp.path, 'executions', 'one', 'workspace');
    await source.checkout(v1, workspace);
    await withWorkspace(workspace, () => {
      expect(readFileSync(join(workspace, 'scripts/letters.js'), 'utf8')).toBe(writeLetter('A'));
      expect(readFileSync(join(workspace, 'pipelines/letters.yaml'), 'utf8')).toBe(scriptPipeline('letters'));
    });
  });

  it('makes the workspace read-only: a task cannot change its scripts', async () => {
    using temp = makeTempDir();
    const { source, v1 } = setUp(temp);
    await source.fetch();
    chmodSync(temp.path, 0o755); // mkdtemp makes 0700; the unprivileged task below must reach the workspace.
    const workspace = join(temp.path, 'workspace');
    await source.checkout(v1, workspace);
    const script = join(workspace, 'scripts/letters.js');
    // Root ignores permission bits, so the task runs as an unprivileged user when the tests run as root.
    const asTask = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const write = spawnSync('sh', ['-c', `cat "$1" >/dev/null && echo tampered > "$1"`, 'sh', script], { encoding: 'utf8', ...asTask });
    const create = spawnSync('sh', ['-c', `echo new > "$1/new-file"`, 'sh', workspace], { encoding: 'utf8', ...asTask });
    await withWorkspace(workspace, () => {
      expect(write.status).not.toBe(0);
      expect(write.stderr).toMatch(/Permission denied/);
      expect(create.status).not.toBe(0);
      expect(readFileSync(script, 'utf8')).toBe(writeLetter('A'));
    });
  });

  it('keeps a pinned commit checkout-able after a force-push removed it from every branch', async () => {
    using temp = makeTempDir();
    const { source, v1, v2, repo } = setUp(temp);
    await source.fetch();
    await source.pin(v2);
    repo.git('reset', '--quiet', '--hard', v1);
    const v2b = repo.commit({ 'scripts/letters.js': writeLetter('C') }, 'rewritten');
    repo.git('reflog', 'expire', '--expire=now', '--all');
    repo.git('gc', '--quiet', '--prune=now');
    expect(await source.fetch('main')).toBe(v2b);
    execFileSync('git', ['--git-dir', source.mirror, 'gc', '--quiet', '--prune=now']);
    const workspace = join(temp.path, 'workspace');
    await source.checkout(v2, workspace);
    await withWorkspace(workspace, () => expect(readFileSync(join(workspace, 'scripts/letters.js'), 'utf8')).toBe(writeLetter('B')));
    // What was never pinned is gone from both sides, and the error says which commit.
    const lost = repo.commit({ 'scripts/letters.js': writeLetter('D') });
    await source.fetch();
    repo.git('reset', '--quiet', '--hard', v2b);
    repo.git('reflog', 'expire', '--expire=now', '--all');
    repo.git('gc', '--quiet', '--prune=now');
    await source.fetch();
    execFileSync('git', ['--git-dir', source.mirror, 'gc', '--quiet', '--prune=now']);
    await expect(source.checkout(lost, join(temp.path, 'lost'))).rejects.toThrow(`No commit \`${lost}\` in ${repo.path}`);
  });

  it('checks out two SHAs at once from one mirror, each into its own workspace', async () => {
    using temp = makeTempDir();
    const { source, v1, v2 } = setUp(temp);
    await source.fetch();
    const [one, two] = [join(temp.path, 'one'), join(temp.path, 'two')];
    await Promise.all([source.checkout(v1, one), source.checkout(v2, two)]);
    await withWorkspace(one, () => expect(readFileSync(join(one, 'scripts/letters.js'), 'utf8')).toBe(writeLetter('A')));
    await withWorkspace(two, () => expect(readFileSync(join(two, 'scripts/letters.js'), 'utf8')).toBe(writeLetter('B')));
  });

  it('refuses a workspace that already holds files', async () => {
    using temp = makeTempDir();
    const { source, v1 } = setUp(temp);
    await source.fetch();
    writeFileSync(join(temp.path, 'stale'), 'x');
    await expect(source.checkout(v1, temp.path)).rejects.toThrow(/is not empty; each execution checks out into its own new directory/);
  });
});

describe('GitSource shared by several processes', () => {
  it('lets concurrent fetches into one mirror all succeed', async () => {
    using temp = makeTempDir();
    const { repo, v2 } = setUp(temp);
    for (let index = 0; index < 20; index++) repo.git('branch', `feature-${index}`, v2);
    const workdir = join(temp.path, 'work');
    const sources = Array.from({ length: 4 }, () => new GitSource({ repo: repo.path, workdir }));
    expect(await Promise.all(sources.map((source) => source.fetch('feature-7')))).toEqual([v2, v2, v2, v2]);
  });
});
