import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKernelFile } from '../../src/executors/read-kernel-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('readKernelFile', () => {
  it.each([
    { name: 'an empty file', bytes: 0 },
    { name: 'a file smaller than one read', bytes: 100 },
    { name: 'a file of exactly one buffer', bytes: 4096 },
    { name: 'a file many buffers long', bytes: 100_000 },
  ])('reads $name whole', ({ bytes }) => {
    using dir = makeTempDir();
    const text = Array.from({ length: bytes }, (_, index) => String.fromCharCode(48 + (index % 10))).join('');
    expect(readKernelFile(dir.write('file', text))).toBe(text);
  });

  it('reads a /proc file as readFileSync does', () => {
    expect(readKernelFile('/proc/self/cmdline')).toBe(readFileSync('/proc/self/cmdline', 'latin1'));
  });

  it('says undefined for a file that is not there', () => {
    using dir = makeTempDir();
    expect(readKernelFile(join(dir.path, 'gone'))).toBeUndefined();
  });
});
