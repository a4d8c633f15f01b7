import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (works from `src/` under vitest and from `dist/src/` when built). */
export function packageRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json')) || !readFileSync(join(directory, 'package.json'), 'utf8').includes('"name": "auto-orchestrator"')) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error('auto-orchestrator package.json not found');
    directory = parent;
  }
  return directory;
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
