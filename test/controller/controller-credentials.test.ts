import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeploymentLedger } from '../../src/gitops/deployments/deployment-ledger.js';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { foldExecution } from '../../src/state/fold.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { brokenPipeline, letterPipeline, writeLetter } from './controller-fixture.js';
import { runCliAsync, spawnController, stopController, waitFor } from './controller-process.js';

const PASSWORD = 's3cr3t-pass';
const WRONG = 'wr0ng-pass';

/** Every file under `dir`, read as bytes (ledgers, logs, outputs, the mirror's config and refs). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((entry) => join(dir, entry)).filter((path) => statSync(path).isFile());
}

describe('controller with a repository URL holding credentials', () => {
  it('fetches with them but never writes them to its log, the ledger, command output or any file of the work directory', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const workdir = join(temp.path, 'work');
    await using server = await startGitHttpServer(temp.path, { user: 'bot', password: PASSWORD });
    const display = `${server.url}/origin/.git`;
    const withCredentials = display.replace('http://', `http://bot:${PASSWORD}@`);
    const sha = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true }), 'scripts/daily.js': writeLetter('A') });
    const controller = spawnController(workdir, ['--repo', withCredentials, '--interval', '10m', '--log-format', 'json']);
    const outputs: string[] = [];
    const cli = async (...args: string[]) => {
      const result = await runCliAsync(args, { ORCHESTRATION_WORKDIR: workdir });
      outputs.push(result.stdout, result.stderr);
      return result;
    };
    await using store = new FileStateStore({ directory: join(workdir, 'state') });
    try {
      await controller.ready();
      const ledger = new DeploymentLedger(store, display, 'main');
      const id = await waitFor(async () => (await ledger.state()).active?.executions[0]?.split(':')[0], 'the deploy-triggered execution');
      await waitFor(async () => (foldExecution(await store.read(id)).status === 'succeeded' ? true : undefined), 'the execution to succeed');
      expect(foldExecution(await store.read(id)).commit_sha).toBe(sha);

      repo.commit({ 'pipelines/daily.yaml': brokenPipeline('daily') });
      expect((await cli('controller', 'sync')).status).toBe(1);
      expect(JSON.parse((await cli('deploy', 'status', '--format', 'json')).stdout)).toMatchObject({ repository: display, drift: true });
      expect((await cli('deploy', 'list')).status).toBe(0);
      // A wrong password fails with a message that names the repository but not what was typed.
      const refused = await cli('controller', 'sync', '--repo', display.replace('http://', `http://bot:${WRONG}@`), '--branch', 'other', '--format', 'json');
      expect(refused.status).toBe(1);
      expect(JSON.parse(refused.stdout)).toMatchObject({ outcome: 'error', message: expect.stringContaining(`git fetch failed for ${display}`) });
      expect(await stopController(controller, 'SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await stopController(controller, 'SIGKILL');
      await makeWritable(temp.path);
    }
    expect(server.authorizations).toContain(`Basic ${Buffer.from(`bot:${PASSWORD}`).toString('base64')}`);
    const forbidden = [PASSWORD, WRONG, Buffer.from(`bot:${PASSWORD}`).toString('base64'), Buffer.from(`bot:${WRONG}`).toString('base64')];
    const texts = [controller.output(), ...outputs, ...filesUnder(workdir).map((file) => readFileSync(file, 'latin1'))];
    expect(controller.output()).toContain(`"msg":"controller for ${display} (main) listening on`);
    for (const secret of forbidden) expect(texts.filter((text) => text.includes(secret))).toEqual([]);
  }, 90_000);
});
