import { createHmac, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { brokenPipeline, letterPipeline, writeLetter } from './controller-fixture.js';
import { spawnController, stopController, waitFor } from './controller-process.js';

describe('orchestrate controller and deploy commands', () => {
  it('serves /healthz and /api/status, syncs through the running controller, rolls back, unpins, and cleans up on SIGTERM', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const workdir = join(temp.path, 'work');
    const cli = (...args: string[]) => runCli(args, { env: { ORCHESTRATION_WORKDIR: workdir } });
    const v1 = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily'), 'scripts/daily.js': writeLetter('A') });
    const controller = spawnController(workdir, ['--repo', repo.path, '--interval', '10m']);
    try {
      const url = await controller.ready();
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
      const status = await waitFor(async () => {
        const body = (await (await fetch(`${url}/api/status`)).json()) as { active_sha: string | null };
        return body.active_sha ? body : undefined;
      }, 'the first deployment');
      expect(status).toMatchObject({ repository: repo.path, branch: 'main', active_sha: v1, branch_head_sha: v1, drift: false, pinned: false });

      const broken = repo.commit({ 'pipelines/daily.yaml': brokenPipeline('daily') });
      const failed = cli('controller', 'sync');
      expect(failed.stdout).toMatch(new RegExp(`^${broken.slice(0, 12)} failed validation with 1 error; ${v1.slice(0, 12)} stays active; first: pipelines/daily.yaml:9:24 graph/unknown-dependency`));
      expect(failed.status).toBe(1);
      const drift = cli('deploy', 'status', '--format', 'json');
      expect(drift.status).toBe(0);
      expect(JSON.parse(drift.stdout)).toMatchObject({ active_sha: v1, branch_head_sha: broken, drift: true, pinned: false, reason: expect.stringContaining('failed validation') });
      const listed = JSON.parse(cli('deploy', 'list', '--format', 'json').stdout) as { sha: string; status: string; findings: { rule: string }[] }[];
      expect(listed.map((deployment) => [deployment.sha, deployment.status])).toEqual([[broken, 'failed'], [v1, 'active']]);
      expect(listed[0]?.findings).toEqual([expect.objectContaining({ rule: 'graph/unknown-dependency', file: 'pipelines/daily.yaml', line: 9, column: 24 })]);

      const fixed = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily'), 'scripts/daily.js': writeLetter('B') });
      const deployed = cli('controller', 'sync', '--format', 'json');
      expect(JSON.parse(deployed.stdout)).toMatchObject({ outcome: 'deployed', head: fixed, deployment: { previous_sha: v1, changed: ['daily'], trigger: 'sync' } });
      expect(deployed.status).toBe(0);

      const never = cli('deploy', 'rollback', '--to-sha', broken);
      expect(never.stderr).toBe(`error: No good deployment of ${broken} to roll back to; deployments that were active: ${fixed.slice(0, 12)}, ${v1.slice(0, 12)}\n`);
      expect(never.status).toBe(2);
      const rolled = cli('deploy', 'rollback', '--to-sha', v1.slice(0, 8), '--reason', 'wrong totals');
      expect(rolled.stdout).toContain(`Rolled main back to ${v1.slice(0, 12)}`);
      expect(rolled.status).toBe(0);
      const pinned = cli('controller', 'sync');
      expect(pinned.stdout).toBe(`pinned to ${v1.slice(0, 12)} by a rollback; branch head ${fixed.slice(0, 12)} waits for a newer commit or \`deploy unpin\`\n`);
      expect(pinned.status).toBe(0);
      expect(JSON.parse(cli('deploy', 'status', '--format', 'json').stdout)).toMatchObject({ active_sha: v1, drift: true, pinned: true, reason: expect.stringContaining('wrong totals') });

      expect(cli('deploy', 'unpin').stdout).toContain('Unpinned main');
      expect(cli('controller', 'sync').stdout).toMatch(new RegExp(`^deployed ${fixed.slice(0, 12)}`));
      const table = cli('deploy', 'list').stdout;
      expect(table.split('\n')[0]).toBe('ID        SHA           STATUS      CREATED               TRIGGER    CHANGES');
      expect(table).toContain(`    pipelines/daily.yaml:9:24 error graph/unknown-dependency: Task \`main.write\` depends on \`missing_task\``);

      const stopped = await stopController(controller, 'SIGTERM');
      expect(stopped).toEqual({ code: 0, signal: null });
      expect(existsSync(join(workdir, 'controller.json'))).toBe(false);
      expect(controller.output()).toContain('SIGTERM: shutting down');
      // Without a controller, sync reconciles in this process.
      const alone = cli('controller', 'sync', '--repo', repo.path);
      expect(alone.stdout).toBe(`${fixed.slice(0, 12)} is up to date\n`);
      expect(alone.status).toBe(0);
    } finally {
      await stopController(controller, 'SIGKILL');
      await makeWritable(temp.path);
    }
  }, 60_000);

  it('reconciles at once on a signed GitHub push to the branch, and refuses unsigned deliveries', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const workdir = join(temp.path, 'work');
    const v1 = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily'), 'scripts/daily.js': writeLetter('A') });
    const secret = 'webhook-secret';
    const controller = spawnController(workdir, ['--repo', repo.path, '--interval', '10m'], {
      ORCHESTRATE_GITHUB_WEBHOOK_SECRET: secret,
      ORCHESTRATE_GITHUB_TOKEN: 'unused-token',
      ORCHESTRATE_GITHUB_REPOSITORY: 'acme/pipelines',
    });
    try {
      const url = await controller.ready();
      const activeSha = async () => ((await (await fetch(`${url}/api/status`)).json()) as { active_sha: string | null }).active_sha;
      await waitFor(async () => ((await activeSha()) === v1 ? true : undefined), 'the first deployment');
      const v2 = repo.commit({ 'scripts/daily.js': writeLetter('B') });
      const body = JSON.stringify({ ref: 'refs/heads/main', after: v2, repository: { full_name: 'acme/pipelines' } });
      const deliver = (signature: string) =>
        fetch(`${url}/webhooks/github`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature } });
      const unsigned = await deliver('sha256=0000');
      expect(unsigned.status).toBe(401);
      const signed = await deliver(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
      expect(signed.status).toBe(202);
      // The interval is ten minutes: only the push can have deployed it.
      await waitFor(async () => ((await activeSha()) === v2 ? true : undefined), 'the pushed commit to deploy');
      // The ledger records the deployment before the reconcile logs it.
      await waitFor(async () => (controller.output().includes(`deployed ${v2.slice(0, 12)}`) ? true : undefined), 'the deployment in the log');
    } finally {
      await stopController(controller, 'SIGTERM');
      await makeWritable(temp.path);
    }
  }, 60_000);

  it('answers 404 naming the setting when webhooks are off, and refuses a second controller on the same work directory', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily'), 'scripts/daily.js': writeLetter('A') });
    const workdir = join(temp.path, 'work');
    const controller = spawnController(workdir, ['--repo', repo.path, '--interval', '10m']);
    try {
      const url = await controller.ready();
      const response = await fetch(`${url}/webhooks/github`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { message: string }).message).toContain('ORCHESTRATE_GITHUB_WEBHOOK_SECRET');
      const second = runCli(['controller', 'start', '--repo', repo.path], { env: { ORCHESTRATION_WORKDIR: workdir } });
      expect(second.stderr).toBe(`error: A controller already runs for ${workdir} at ${url} (pid ${controller.child.pid}); stop it, or give this one another --workdir\n`);
      expect(second.status).toBe(2);
    } finally {
      await stopController(controller, 'SIGTERM');
      await makeWritable(temp.path);
    }
  }, 60_000);

  it('exits 2 with the fix when no repository is given and no controller runs', () => {
    using temp = makeTempDir();
    const workdir = join(temp.path, 'work');
    const result = runCli(['deploy', 'status'], { env: { ORCHESTRATION_WORKDIR: workdir } });
    expect(result.stderr).toBe(`error: Which repository? Pass --repo (a local path or Git URL), or start \`orchestrate controller start\` with this work directory (${workdir})\n`);
    expect(result.status).toBe(2);
  });
});
