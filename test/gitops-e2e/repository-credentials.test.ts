import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline, writeLetter } from '../gitops/git-fixture.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { printedId, startCli } from './cli-process.js';
import { readLedger } from './rollback-fixture.js';

const TOKEN = 'tok-3f9a1c77e2b4d05a';
const URL_PASSWORD = 'pw-in-url-8c21d4';
const basic = (credentials: string) => Buffer.from(credentials).toString('base64');

/** Every file under `dir` whose bytes contain one of the needles, as `path: needle`. */
function filesContaining(dir: string, needles: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) return readdirSync(path).forEach((entry) => walk(join(path, entry)));
    const bytes = readFileSync(path);
    for (const needle of needles) if (bytes.includes(needle)) found.push(`${path}: ${needle}`);
  };
  walk(dir);
  return found;
}

describe('repository credentials', () => {
  it('a token from ORCHESTRATE_GIT_TOKEN or a password in the URL reaches the Git server but never the console, the ledger, the logs or any file of the work directory', async () => {
    using temp = makeTempDir();
    const origin = makeGitRepo(join(temp.path, 'origin'));
    const sha = origin.commit({ 'pipelines/letters.yaml': scriptPipeline('letters'), 'scripts/letters.js': writeLetter('A') });
    execFileSync('git', ['clone', '--quiet', '--bare', origin.path, join(temp.path, 'served', 'letters.git')]);
    await using server = await startGitHttpServer(join(temp.path, 'served'), { user: 'x-access-token', password: TOKEN }, { user: 'ci', password: URL_PASSWORD });
    const workdir = join(temp.path, 'work');
    const secrets = [TOKEN, URL_PASSWORD, basic(`x-access-token:${TOKEN}`), basic(`ci:${URL_PASSWORD}`)];
    try {
      const withToken = startCli(['run', '--repo', `${server.url}/letters.git`, '--sha', sha, '--pipeline', 'letters'], { ORCHESTRATION_WORKDIR: workdir, ORCHESTRATE_GIT_TOKEN: TOKEN });
      const tokenRun = await withToken.exited;
      expect(tokenRun.stderr).toBe('');
      expect(tokenRun.status).toBe(0);
      const inUrl = startCli(['run', '--repo', `http://ci:${URL_PASSWORD}@${server.url.slice('http://'.length)}/letters.git`, '--sha', sha, '--pipeline', 'letters'], { ORCHESTRATION_WORKDIR: workdir });
      const urlRun = await inUrl.exited;
      expect(urlRun.status).toBe(0);
      const wrong = startCli(['run', '--repo', `${server.url}/letters.git`, '--sha', sha, '--pipeline', 'letters'], { ORCHESTRATION_WORKDIR: join(temp.path, 'other'), ORCHESTRATE_GIT_TOKEN: `${TOKEN}-wrong` });
      const refused = await wrong.exited;
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain(`${server.url}/letters.git`);
      expect(refused.stderr).not.toContain(TOKEN);
      const rollback = startCli(['rollback', 'execute', '--repo', `${server.url}/letters.git`, '--execution-id', printedId(inUrl) as string, '--to-sha', sha, '--strategy', 'revert'], { ORCHESTRATION_WORKDIR: workdir, ORCHESTRATE_GIT_TOKEN: TOKEN });
      const rolledBack = await rollback.exited;
      expect(rolledBack.status).toBe(0);

      expect(server.authorizations).toContain(`Basic ${basic(`x-access-token:${TOKEN}`)}`);
      expect(server.authorizations).toContain(`Basic ${basic(`ci:${URL_PASSWORD}`)}`);
      for (const result of [tokenRun, urlRun, refused, rolledBack]) expect(secrets.filter((secret) => result.stdout.includes(secret) || result.stderr.includes(secret))).toEqual([]);
      expect(readLedger(workdir, printedId(withToken) as string)[0]).toMatchObject({ commit_sha: sha });
      expect(filesContaining(workdir, secrets)).toEqual([]);
      expect(filesContaining(join(temp.path, 'other'), secrets)).toEqual([]);
    } finally {
      await makeWritable(workdir);
    }
  });
});
