import { spawn } from 'node:child_process';
import { gitEnvironment } from './git-env.js';
import { sanitize, type RepositoryLocation } from './repository-location.js';
import { TransientError } from '../errors.js';

/**
 * Reads many files at one commit with a single `git cat-file --batch`: one process for the
 * whole set, so reading the 3 files a change touches costs the same in a repository of 1,000.
 * Spawned directly rather than through simple-git, which buffers output as text and would
 * corrupt binary files.
 */
export async function readBlobs(mirror: string, location: RepositoryLocation, sha: string, paths: readonly string[]): Promise<Map<string, Buffer>> {
  const wanted = [...new Set(paths)].filter((path) => path !== '' && !/[\n\r]/.test(path));
  const result = new Map<string, Buffer>();
  if (wanted.length === 0) return result;
  const output = await runBatch(mirror, location, wanted.map((path) => `${sha}:${path}\n`).join(''));
  let offset = 0;
  for (const path of wanted) {
    const newline = output.indexOf(0x0a, offset);
    if (newline === -1) break;
    const header = output.subarray(offset, newline).toString('utf8');
    offset = newline + 1;
    const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!match) continue; // `<name> missing` or `ambiguous`: the file is not at that commit.
    const size = Number(match[2]);
    if (match[1] === 'blob') result.set(path, Buffer.from(output.subarray(offset, offset + size)));
    offset += size + 1;
  }
  return result;
}

function runBatch(mirror: string, location: RepositoryLocation, input: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', mirror, 'cat-file', '--batch'], { env: gitEnvironment(location), stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', (error) => reject(new TransientError(`Cannot start git: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(chunks));
      const detail = sanitize(Buffer.concat(errors).toString('utf8').trim(), location);
      reject(new TransientError(`Reading files from ${location.display} failed (git exit ${code}): ${detail}`));
    });
    child.stdin.on('error', () => undefined); // A failing git closes stdin early; `close` reports why.
    child.stdin.end(input);
  });
}
