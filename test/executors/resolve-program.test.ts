import { chmodSync, renameSync, unlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgramResolver, resolveProgram } from '../../src/executors/resolve-program.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Two PATH directories after one that does not exist, removed when the test ends. */
function makePathDirs() {
  const dir = makeTempDir();
  const first = join(dir.path, 'first');
  const second = join(dir.path, 'second');
  const install = (where: string, name: string, mode = 0o755) => {
    const file = dir.write(join(where, name), '#!/bin/sh\n');
    chmodSync(file, mode);
    return file;
  };
  dir.write('first/.keep', '');
  dir.write('second/.keep', '');
  return { first, second, searchPath: [join(dir.path, 'absent'), first, second].join(delimiter), install, [Symbol.dispose]: () => dir[Symbol.dispose]() };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('resolveProgram', () => {
  it.each([
    { name: 'a bare name is found in the first PATH directory that has it', setup: 'both', expected: 'first' },
    { name: 'missing directories and entries are passed over', setup: 'second', expected: 'second' },
  ])('$name', ({ setup, expected }) => {
    using paths = makePathDirs();
    if (setup === 'both') paths.install('first', 'tool');
    paths.install('second', 'tool');
    expect(resolveProgram('tool', paths.searchPath, '/')).toEqual({ ok: true, path: join(expected === 'first' ? paths.first : paths.second, 'tool') });
  });

  it('a name on no PATH directory is missing; one found only without the execute bit is not executable', () => {
    using dir = makeTempDir();
    const file = dir.write('bin/tool', '#!/bin/sh\n');
    chmodSync(file, 0o644);
    expect(resolveProgram('other', join(dir.path, 'bin'), '/')).toEqual({ ok: false, reason: 'missing' });
    expect(resolveProgram('tool', join(dir.path, 'bin'), '/')).toEqual({ ok: false, reason: 'not-executable', path: file });
  });

  it('a PATH entry that is a file is passed over', () => {
    using dir = makeTempDir();
    const notADirectory = dir.write('plain', '');
    const tool = dir.write('bin/tool', '#!/bin/sh\n');
    chmodSync(tool, 0o755);
    expect(resolveProgram('tool', [notADirectory, join(dir.path, 'bin')].join(delimiter), '/')).toEqual({ ok: true, path: tool });
  });

  it('a name with a slash is a path from the working directory, never searched on PATH', () => {
    using dir = makeTempDir();
    const tool = dir.write('scripts/tool', '#!/bin/sh\n');
    chmodSync(tool, 0o755);
    expect(resolveProgram('scripts/tool', '/usr/bin', dir.path)).toEqual({ ok: true, path: tool });
    expect(resolveProgram('./tool', join(dir.path, 'scripts'), dir.path)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('ProgramResolver', () => {
  it('notices a remembered program that was removed', () => {
    using paths = makePathDirs();
    const tool = paths.install('second', 'tool');
    const resolver = new ProgramResolver();
    expect(resolver.resolve('tool', paths.searchPath, '/')).toEqual({ ok: true, path: tool });
    unlinkSync(tool);
    expect(resolver.resolve('tool', paths.searchPath, '/')).toEqual({ ok: false, reason: 'missing' });
  });

  it('notices a remembered program that lost its execute bit, or was replaced by a file without one', () => {
    using paths = makePathDirs();
    const tool = paths.install('second', 'tool');
    const resolver = new ProgramResolver();
    expect(resolver.resolve('tool', paths.searchPath, '/').ok).toBe(true);
    chmodSync(tool, 0o644);
    expect(resolver.resolve('tool', paths.searchPath, '/')).toEqual({ ok: false, reason: 'not-executable', path: tool });
    chmodSync(tool, 0o755);
    expect(resolver.resolve('tool', paths.searchPath, '/').ok).toBe(true);
    const replacement = paths.install('first', 'replacement', 0o644);
    renameSync(replacement, tool);
    expect(resolver.resolve('tool', paths.searchPath, '/')).toEqual({ ok: false, reason: 'not-executable', path: tool });
  });

  it('finds a program installed in an earlier PATH directory once its lookup is a second old', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    using paths = makePathDirs();
    const later = paths.install('second', 'tool');
    const resolver = new ProgramResolver();
    expect(resolver.resolve('tool', paths.searchPath, '/')).toEqual({ ok: true, path: later });
    const earlier = paths.install('first', 'tool');
    vi.advanceTimersByTime(1_001);
    expect(resolver.resolve('tool', paths.searchPath, '/')).toEqual({ ok: true, path: earlier });
  });

  it('remembers per PATH: the same name on another PATH is searched there', () => {
    using paths = makePathDirs();
    const inFirst = paths.install('first', 'tool');
    const inSecond = paths.install('second', 'tool');
    const resolver = new ProgramResolver();
    expect(resolver.resolve('tool', paths.searchPath, '/')).toEqual({ ok: true, path: inFirst });
    expect(resolver.resolve('tool', paths.second, '/')).toEqual({ ok: true, path: inSecond });
  });
});
