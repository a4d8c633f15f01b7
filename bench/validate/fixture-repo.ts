import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SCRIPT_FILES } from './generate-pipeline.js';

/** A throw-away repository for the benchmark: the scripts pipelines reference, and room for pipeline files. */
export interface FixtureRepo extends Disposable {
  root: string;
  /** Writes a file relative to the root and returns its absolute path. */
  write(relative: string, text: string): string;
}

export function makeFixtureRepo(): FixtureRepo {
  const root = mkdtempSync(join(tmpdir(), 'orchestrate-bench-'));
  const write = (relative: string, text: string) => {
    const file = join(root, relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  for (const script of SCRIPT_FILES) write(script, script.endsWith('.sql') ? 'select 1;\n' : '// benchmark step\n');
  return { root, write, [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }) };
}
