import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { CatFileSession } from '../../src/gitops/cat-file-session.js';
import { locateRepository } from '../../src/gitops/repository-location.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** A repository used directly as the session's git dir (its `.git`), as a mirror would be. */
function setUp(temp: { path: string }) {
  const repo = makeGitRepo(join(temp.path, 'origin'));
  const session = new CatFileSession(join(repo.path, '.git'), locateRepository(repo.path));
  return { repo, session };
}

describe('CatFileSession', () => {
  it('answers files at a commit and names in the order asked, with nothing for what is not there', async () => {
    using temp = makeTempDir();
    const { repo, session } = setUp(temp);
    const v1 = repo.commit({ 'a.txt': 'one\n', 'dir/b.txt': '' });
    const objects = await session.read([`${v1}:a.txt`, `${v1}:missing.txt`, 'main^{commit}', `${v1}:dir/b.txt`, 'no-such-branch^{commit}', `${v1}:dir`]);
    expect(objects.map((object) => object?.type)).toEqual(['blob', undefined, 'commit', 'blob', undefined, 'tree']);
    expect(objects[0]?.content.toString()).toBe('one\n');
    expect(objects[2]?.sha).toBe(v1);
    expect(objects[3]?.content.length).toBe(0);
    session.close();
  });

  it('sees commits made after it started, and keeps binary and large files intact', async () => {
    using temp = makeTempDir();
    const { repo, session } = setUp(temp);
    repo.commit({ 'a.txt': 'one\n' });
    await session.read(['main^{commit}']);
    // Several pipe chunks' worth of bytes that are not text, including newlines and NULs.
    const binary = randomBytes(300_000);
    writeFileSync(join(repo.path, 'data.bin'), binary);
    const v2 = repo.commit({ 'a.txt': 'two\n' });
    const [head, data, text] = await session.read(['main^{commit}', `${v2}:data.bin`, `${v2}:a.txt`]);
    expect(head?.sha).toBe(v2);
    expect(data?.content.equals(binary)).toBe(true);
    expect(text?.content.toString()).toBe('two\n');
    session.close();
  });

  it('answers reads made at the same time each with its own objects', async () => {
    using temp = makeTempDir();
    const { repo, session } = setUp(temp);
    const files = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`f${index}.txt`, `content ${index}\n`]));
    const sha = repo.commit(files);
    const reads = await Promise.all(Object.keys(files).map((path) => session.read([`${sha}:${path}`, `${sha}:${path}`])));
    reads.forEach((objects, index) => expect(objects.map((object) => object?.content.toString())).toEqual([`content ${index}\n`, `content ${index}\n`]));
    session.close();
  });

  it('starts git again after its process died, and fails the reads that were waiting with a clear error', async () => {
    using temp = makeTempDir();
    const { repo, session } = setUp(temp);
    const sha = repo.commit({ 'a.txt': 'one\n' });
    await session.read([`${sha}:a.txt`]);
    const pids = execFileSync('pgrep', ['-f', `${join(repo.path, '.git')} cat-file --batch`], { encoding: 'utf8' }).trim().split('\n');
    expect(pids).toHaveLength(1);
    process.kill(Number(pids[0]), 'SIGKILL');
    // The read written before git's exit is noticed fails; the one after starts a new process.
    await session.read([`${sha}:a.txt`]).catch((error: Error) => expect(error.message).toMatch(/failed \(exit|closed/));
    const [again] = await session.read([`${sha}:a.txt`]);
    expect(again?.content.toString()).toBe('one\n');
    session.close();
  });

  it('never keeps a finished program waiting: a process that read through it exits on its own', () => {
    using temp = makeTempDir();
    const { repo } = setUp(temp);
    const sha = repo.commit({ 'a.txt': 'one\n' });
    // The built module: a plain `node` runs it as users' processes would.
    const module = join(PROJECT_ROOT, 'dist', 'src', 'gitops', 'cat-file-session.js');
    const location = join(PROJECT_ROOT, 'dist', 'src', 'gitops', 'repository-location.js');
    const script = `
      const { CatFileSession } = await import(${JSON.stringify(module)});
      const { locateRepository } = await import(${JSON.stringify(location)});
      const session = new CatFileSession(${JSON.stringify(join(repo.path, '.git'))}, locateRepository(${JSON.stringify(repo.path)}));
      const [object] = await session.read([${JSON.stringify(`${sha}:a.txt`)}]);
      process.stdout.write(object.content);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.error).toBeUndefined();
    expect(child.stdout).toBe('one\n');
    expect(child.status).toBe(0);
  });
});
