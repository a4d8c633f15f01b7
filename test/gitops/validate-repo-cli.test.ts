import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline, writeLetter } from './git-fixture.js';


function twoCommits(path: string) {
  const repo = makeGitRepo(path);
  const base = repo.commit({ 'pipelines/letters.yaml': scriptPipeline('letters'), 'scripts/letters.js': writeLetter('A') });
  const good = repo.commit({ 'pipelines/letters.yaml': scriptPipeline('letters', { top: 'description: writes a letter\n' }) });
  const broken = repo.commit({ 'scripts/letters.js': null });
  return { repo, base, good, broken };
}

describe('orchestrate validate repo', () => {
  it('exits 0 for a valid change, 1 when the change breaks a pipeline, 2 for a wrong ref or repository', () => {
    using temp = makeTempDir();
    const { repo, base, good, broken } = twoCommits(join(temp.path, 'origin'));
    const env = { ORCHESTRATION_WORKDIR: join(temp.path, 'work') };
    const ok = runCli(['validate', 'repo', '--repo', repo.path, '--base', base, '--head', good], { env });
    expect(ok.stdout).toContain('changed   pipelines/letters.yaml');
    expect(ok.stdout).toContain('✓ 1 pipeline file valid');
    expect(ok.status).toBe(0);
    const bad = runCli(['validate', 'repo', '--repo', repo.path, '--base', good, '--head', broken, '--output', 'json'], { env });
    expect(bad.status).toBe(1);
    const json = JSON.parse(bad.stdout) as { valid: boolean; head: string; pipelines: { file: string; change: string; reason: string }[]; findings: { file: string; rule: string }[] };
    expect(json).toMatchObject({ valid: false, head: broken, pipelines: [{ file: 'pipelines/letters.yaml', change: 'changed', reason: 'references `scripts/letters.js`' }] });
    expect(json.findings.map((finding) => [finding.file, finding.rule])).toEqual([['pipelines/letters.yaml', 'structure/missing-file']]);
    const unknown = runCli(['validate', 'repo', '--repo', repo.path, '--head', 'no-such-branch'], { env });
    expect(unknown.stderr).toBe(`error: No commit \`no-such-branch\` in ${repo.path}; check the branch, tag or SHA (and that it was pushed)\n`);
    expect(unknown.status).toBe(2);
    const missing = runCli(['validate', 'repo', '--repo', join(temp.path, 'nowhere'), '--head', 'main'], { env });
    expect(missing.stderr).toContain(`Repository \`${join(temp.path, 'nowhere')}\` does not exist`);
    expect(missing.status).toBe(2);
    expect(runCli(['validate', 'repo', '--repo', repo.path], { env }).status).toBe(2);
  });

  it('writes the pull-request summary with its marker line, and SARIF with paths relative to the root', () => {
    using temp = makeTempDir();
    const { repo, good, broken } = twoCommits(join(temp.path, 'origin'));
    const env = { ORCHESTRATION_WORKDIR: join(temp.path, 'work') };
    const markdown = runCli(['validate', 'repo', '--repo', repo.path, '--base', good, '--head', broken, '--output', 'markdown'], { env });
    expect(markdown.stdout.split('\n').slice(0, 2)).toEqual(['<!-- orchestrate:validate -->', '### ❌ Pipeline validation: 1 error, 0 warnings in 1 pipeline']);
    expect(markdown.stdout).toContain('| `letters` | `pipelines/letters.yaml` | changed: references `scripts/letters.js` | ❌ 1 error, 0 warnings |');
    expect(markdown.status).toBe(1);
    const sarif = runCli(['validate', 'repo', '--repo', repo.path, '--head', broken, '--output', 'sarif'], { env });
    const uris = (JSON.parse(sarif.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }).runs[0]?.results.map((result) => result.locations[0]?.physicalLocation.artifactLocation.uri);
    expect(uris).toEqual(['pipelines/letters.yaml']);
  });

  it('sends credentials (from the URL or ORCHESTRATE_GIT_TOKEN) only as a header and never prints them', async () => {
    using temp = makeTempDir();
    const seen: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(403, { 'content-type': 'text/plain' }).end('denied');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const run = promisify(execFile);
    const cli = (repo: string, env: Record<string, string> = {}) =>
      run(process.execPath, [CLI, 'validate', 'repo', '--repo', repo, '--head', 'main', '--output', 'json'], { env: { ...process.env, NO_COLOR: '1', ORCHESTRATION_WORKDIR: join(temp.path, 'work'), ...env } })
        .then(() => ({ code: 0, output: '' }), (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }));
    try {
      const withPassword = await cli(`http://deploy:pa55-in-url@127.0.0.1:${port}/acme/pipelines.git`);
      const withToken = await cli(`http://127.0.0.1:${port}/acme/pipelines.git`, { ORCHESTRATE_GIT_TOKEN: 'tok-from-env-123' });
      expect(seen).toContain(`Basic ${Buffer.from('deploy:pa55-in-url').toString('base64')}`);
      expect(seen).toContain(`Basic ${Buffer.from('x-access-token:tok-from-env-123').toString('base64')}`);
      for (const result of [withPassword, withToken]) {
        expect(result.code).toBe(1);
        expect(result.output).toContain(`error: git fetch failed for http://127.0.0.1:${port}/acme/pipelines.git`);
        expect(result.output).not.toMatch(/pa55-in-url|tok-from-env-123|deploy:|eC1hY2Nlc3MtdG9rZW46|ZGVwbG95Og/);
      }
      // Nor in the mirror: no remote URL with credentials is stored in its config.
      expect(spawnSync('grep', ['-rlE', 'pa55-in-url|tok-from-env-123', join(temp.path, 'work')]).status).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
