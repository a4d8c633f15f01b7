import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export type ResolvedProgram = { ok: true; path: string } | { ok: false; reason: 'missing' | 'not-executable'; path?: string };

/**
 * Finds the file `program` names the way `execvp` would: a name with a slash is a path from
 * `cwd`, any other name is looked up on `searchPath`. Resolving before spawning lets a missing
 * or non-executable program come back as a start error even when the command is wrapped (cgroup,
 * prlimit), where the wrapper would otherwise turn it into an exit code 127. Empty PATH entries
 * are ignored, as the validator's `which` does.
 */
export function resolveProgram(program: string, searchPath: string, cwd: string): ResolvedProgram {
  if (program.includes('/')) return check(resolve(cwd, program)) ?? { ok: false, reason: 'missing' };
  let notExecutable: string | undefined;
  for (const directory of searchPath.split(delimiter)) {
    if (directory === '') continue;
    const found = check(join(directory, program));
    if (found?.ok) return found;
    if (found) notExecutable ??= found.path;
  }
  return notExecutable ? { ok: false, reason: 'not-executable', path: notExecutable } : { ok: false, reason: 'missing' };
}

function check(candidate: string): ResolvedProgram | undefined {
  try {
    if (!statSync(candidate).isFile()) return undefined;
  } catch {
    return undefined;
  }
  try {
    accessSync(candidate, constants.X_OK);
    return { ok: true, path: candidate };
  } catch {
    return { ok: false, reason: 'not-executable', path: candidate };
  }
}
