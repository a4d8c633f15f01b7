import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The branch head as of the mirror's last fetch, without touching the network; null before the
 * first fetch. Only this mirror is read: no ambient `GIT_*` variable can point git elsewhere.
 */
export async function readMirrorHead(mirror: string, branch: string): Promise<string | null> {
  if (!existsSync(join(mirror, 'HEAD'))) return null;
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toUpperCase().startsWith('GIT_')));
  try {
    const { stdout } = await run('git', ['--git-dir', mirror, 'rev-parse', '--verify', '--quiet', '--end-of-options', `refs/heads/${branch}^{commit}`], { env });
    const sha = stdout.trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
  } catch {
    return null;
  }
}
