import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { StagedTrees } from '../../src/gitops/controller/staged-trees.js';
import { makeReadOnly, makeWritable } from '../../src/gitops/extract-tree.js';
import { GitSource } from '../../src/gitops/git-source.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo, writeFiles, type FileChanges, type GitFixture } from '../../bench/support/git-repo.js';
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
    const leftovers = [join(workdir, 'staged-trees', `${sha}-left-by-a-killed-controller`), join(workdir, 'spare-trees', `${sha}-left-by-a-killed-controller`)];
    for (const leftover of leftovers) {
      mkdirSync(join(leftover, 'pipelines'), { recursive: true });
      writeFileSync(join(leftover, 'pipelines', 'daily.yaml'), 'half a checkout');
      await makeReadOnly(leftover);
    }
    const source = new GitSource({ repo: repo.path, workdir });
    await source.fetch('main');

    const trees = new StagedTrees(source, workdir, pino({ level: 'silent' }));
    trees.stage(sha, 1);
    const workspace = join(workdir, 'executions', 'one', 'workspace');
    try {
      expect(await trees.take(sha, workspace)).toBe(true);
      await trees.prepareSpare();
      for (const leftover of leftovers) expect(existsSync(leftover)).toBe(false);
      expect(readFileSync(join(workspace, 'pipelines', 'daily.yaml'), 'utf8')).toBe(scriptPipeline('daily'));
    } finally {
      await trees.close();
      await makeWritable(temp.path);
    }
  });

  it('brings one spare checkout to each new commit, so every staged tree equals a fresh checkout, file for file and mode for mode', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const workdir = join(temp.path, 'work');
    const source = new GitSource({ repo: repo.path, workdir });
    const trees = new StagedTrees(source, workdir, pino({ level: 'silent' }));
    const commits = [
      commitWithModes(repo, { 'pipelines/daily.yaml': scriptPipeline('daily'), 'scripts/daily.js': writeLetter('A'), 'scripts/run.sh': '#!/bin/sh\n', 'old/dir/x.txt': 'x', 'keep.txt': 'kept' }, ['scripts/run.sh']),
      // Modified, removed with its directory, added in new nested directories, and executable bits flipped both ways.
      commitWithModes(repo, { 'scripts/daily.js': writeLetter('B'), 'old/dir/x.txt': null, 'new/nested/deep/y.txt': 'y' }, ['keep.txt'], ['scripts/run.sh']),
      commitWithModes(repo, { 'new/nested/deep/y.txt': null, 'old/dir/x.txt': 'back', 'pipelines/weekly.yaml': scriptPipeline('weekly') }, []),
    ];
    try {
      for (const [index, sha] of commits.entries()) {
        await source.fetch('main');
        const spare = spareOf(workdir);
        trees.stage(sha, 1);
        const workspace = join(workdir, 'executions', `run-${index}`, 'workspace');
        expect(await trees.take(sha, workspace)).toBe(true);
        const fresh = join(temp.path, `fresh-${index}`);
        await source.checkout(sha, fresh, { pin: false });
        expect(snapshot(workspace)).toEqual(snapshot(fresh));
        expect(snapshot(workspace).filter((entry) => entry.mode & 0o222)).toEqual([]);
        // After the first, each tree is the spare brought to the commit: a file no commit changed was never written again.
        if (spare) expect(statSync(join(workspace, 'pipelines/daily.yaml')).ino).toBe(spare.untouchedIno);
        else expect(index).toBe(0);
        await trees.prepareSpare();
      }
      await trees.close();
      // A spare of the newest commit is kept for the next controller.
      const kept = readdirSync(join(workdir, 'spare-trees')).map((name) => name.replace(/-[0-9a-f-]{36}/, ''));
      expect(kept.sort()).toEqual([commits[2], `${commits[2]}.index`, `${commits[2]}.ready`]);
    } finally {
      await makeWritable(temp.path);
    }
  });

  it('checks the commit out whole when the spare was written to since its checkout', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const workdir = join(temp.path, 'work');
    const source = new GitSource({ repo: repo.path, workdir });
    const lines: string[] = [];
    const trees = new StagedTrees(source, workdir, pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }));
    const v1 = repo.commit({ 'pipelines/daily.yaml': scriptPipeline('daily'), 'scripts/daily.js': writeLetter('A') });
    await source.fetch('main');
    trees.stage(v1, 1);
    await trees.prepareSpare();
    const spare = spareOf(workdir);
    const written = join(spare?.dir ?? '', 'scripts/daily.js');
    chmodSync(written, 0o644);
    writeFileSync(written, 'written by someone else');
    const v2 = repo.commit({ 'scripts/daily.js': writeLetter('B') });
    await source.fetch('main');
    trees.stage(v2, 1);
    const workspace = join(workdir, 'executions', 'one', 'workspace');
    try {
      expect(await trees.take(v2, workspace)).toBe(true);
      expect(readFileSync(join(workspace, 'scripts/daily.js'), 'utf8')).toBe(writeLetter('B'));
      expect(lines.join('')).toContain(`could not bring the spare tree of ${v1.slice(0, 12)} to ${v2.slice(0, 12)}; checking ${v2.slice(0, 12)} out whole`);
      await trees.close();
      expect(readdirSync(join(workdir, 'spare-trees'))).toEqual([]);
      expect(readdirSync(join(workdir, 'staged-trees'))).toEqual([]);
    } finally {
      await makeWritable(temp.path);
    }
  });

  it('starts from the spare a previous controller left complete', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const workdir = join(temp.path, 'work');
    const source = new GitSource({ repo: repo.path, workdir });
    const v1 = repo.commit({ 'pipelines/daily.yaml': scriptPipeline('daily'), 'scripts/daily.js': writeLetter('A') });
    await source.fetch('main');
    const before = new StagedTrees(source, workdir, pino({ level: 'silent' }));
    before.stage(v1, 0);
    await before.prepareSpare();
    const left = spareOf(workdir);
    const v2 = repo.commit({ 'scripts/daily.js': writeLetter('B') });
    await source.fetch('main');

    const after = new StagedTrees(source, workdir, pino({ level: 'silent' }));
    after.stage(v2, 1);
    const workspace = join(workdir, 'executions', 'one', 'workspace');
    try {
      expect(await after.take(v2, workspace)).toBe(true);
      expect(readFileSync(join(workspace, 'scripts/daily.js'), 'utf8')).toBe(writeLetter('B'));
      expect(statSync(join(workspace, 'pipelines/daily.yaml')).ino).toBe(left?.untouchedIno);
      await after.close();
      expect(readdirSync(join(workdir, 'spare-trees'))).toEqual([]);
    } finally {
      await makeWritable(temp.path);
    }
  });
});

/** Commits `files`, then sets or clears the executable bit of the paths named; returns the SHA. */
function commitWithModes(repo: GitFixture, files: FileChanges, executable: string[], plain: string[] = []): string {
  writeFiles(repo.path, files);
  for (const path of executable) chmodSync(join(repo.path, path), 0o755);
  for (const path of plain) chmodSync(join(repo.path, path), 0o644);
  return repo.commit({});
}

/** The ready spare tree, if any, and the inode of its `pipelines/daily.yaml`, which no commit changes. */
function spareOf(workdir: string): { dir: string; untouchedIno: number } | undefined {
  const root = join(workdir, 'spare-trees');
  const dir = existsSync(root) ? readdirSync(root).find((name) => !name.includes('.')) : undefined;
  if (!dir) return undefined;
  return { dir: join(root, dir), untouchedIno: statSync(join(root, dir, 'pipelines/daily.yaml')).ino };
}

/** Every entry under `root`: its path, mode (type and permission bits) and, for a file, its bytes. */
function snapshot(root: string): { path: string; mode: number; content?: string }[] {
  const entries: { path: string; mode: number; content?: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const stats = lstatSync(full);
      const mode = stats.mode;
      if (stats.isDirectory()) {
        entries.push({ path: relative(root, full), mode });
        walk(full);
      } else entries.push({ path: relative(root, full), mode, content: readFileSync(full).toString('base64') });
    }
  };
  walk(root);
  return entries;
}
