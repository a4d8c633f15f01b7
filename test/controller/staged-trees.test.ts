import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { StagedTrees } from '../../src/gitops/controller/staged-trees.js';
import { makeReadOnly, makeWritable } from '../../src/gitops/extract-tree.js';
import { GitSource } from '../../src/gitops/git-source.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline, writeLetter } from '../gitops/git-fixture.js';

describe('StagedTrees', () => {
  it('hands an execution a private read-only tree checked out ahead, and removes the ones nobody took', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const sha = repo.commit({ 'pipelines/daily.yaml': scriptPipeline('daily'), 'scripts/daily.js': writeLetter('A') });
    const workdir = join(temp.path, 'work');
    const source = new GitSource({ repo: repo.path, workdir });
    await source.fetch('main');
    const trees = new StagedTrees(source, workdir, pino({ level: 'silent' }));

    trees.stage(sha, 2);
    const first = join(workdir, 'executions', 'one', 'workspace');
    const second = join(workdir, 'executions', 'two', 'workspace');
    const third = join(workdir, 'executions', 'three', 'workspace');
    try {
      expect(await trees.take(sha, first)).toBe(true);
      expect(await trees.take(sha, second)).toBe(true);
      // Two were staged: a third execution checks out on its own.
      expect(await trees.take(sha, third)).toBe(false);
      for (const workspace of [first, second]) {
        expect(readFileSync(join(workspace, 'scripts/daily.js'), 'utf8')).toBe(writeLetter('A'));
        expect(statSync(workspace).mode & 0o222).toBe(0);
        expect(statSync(join(workspace, 'scripts/daily.js')).mode & 0o222).toBe(0);
      }
      // Staging ahead pins nothing: the commit may yet fail validation.
      expect(repo.git('--git-dir', source.mirror, 'for-each-ref', 'refs/orchestrate/pins/')).toBe('');

      trees.stage(sha, 1);
      await trees.discard();
      expect(readdirSync(join(workdir, 'staged-trees'))).toEqual([]);
      expect(await trees.take(sha, third)).toBe(false);
    } finally {
      for (const workspace of [first, second]) if (existsSync(workspace)) await makeWritable(workspace);
    }
  });

  it('removes the trees a killed controller left staged before staging again', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const sha = repo.commit({ 'pipelines/daily.yaml': scriptPipeline('daily') });
    const workdir = join(temp.path, 'work');
    const leftover = join(workdir, 'staged-trees', `${sha}-left-by-a-killed-controller`);
    mkdirSync(join(leftover, 'pipelines'), { recursive: true });
    writeFileSync(join(leftover, 'pipelines', 'daily.yaml'), 'half a checkout');
    await makeReadOnly(leftover);
    const source = new GitSource({ repo: repo.path, workdir });
    await source.fetch('main');

    const trees = new StagedTrees(source, workdir, pino({ level: 'silent' }));
    trees.stage(sha, 1);
    const workspace = join(workdir, 'executions', 'one', 'workspace');
    try {
      expect(await trees.take(sha, workspace)).toBe(true);
      expect(existsSync(leftover)).toBe(false);
      expect(readFileSync(join(workspace, 'pipelines', 'daily.yaml'), 'utf8')).toBe(scriptPipeline('daily'));
    } finally {
      await makeWritable(workspace);
    }
  });
});
