import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { CLI } from '../helpers/run-cli.js';


it('stops quietly with exit 0 when the reader closes the pipe first (`orchestrate --help | head -0`)', async () => {
  const child = spawn(process.execPath, [CLI, 'validate', 'pipeline', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Close our end before the CLI writes: its first write meets EPIPE, as behind `head -0`.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).not.toMatch(/EPIPE|internal error|Unhandled/);
  expect(code).toBe(0);
});
