import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Finds a program on a PATH the way a shell would, without spawning anything, so validation
 * stays fast and never runs code. Empty PATH entries are ignored: tasks run from the execution's
 * checkout, not from the directory the validator runs in.
 */
export function which(program: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  for (const directory of searchPath.split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, program);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Missing or not executable here: keep looking.
    }
  }
  return undefined;
}
