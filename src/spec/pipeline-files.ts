import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PIPELINE_EXTENSION = /\.ya?ml$/i;
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** Expands files and directories into pipeline files (`*.yaml`, `*.yml`), sorted, each once. */
export function listPipelineFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files = new Set<string>();
  const missing: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(directory, entry.name);
      if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) walk(full);
      else if (entry.isFile() && PIPELINE_EXTENSION.test(entry.name)) files.add(full);
    }
  };
  for (const path of paths) {
    const absolute = resolve(path);
    const stat = statSync(absolute, { throwIfNoEntry: false });
    if (!stat) missing.push(path);
    else if (stat.isDirectory()) walk(absolute);
    else files.add(absolute);
  }
  return { files: [...files], missing };
}
