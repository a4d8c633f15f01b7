import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { makeGitRepo, scriptPipeline, writeLetter } from './git-fixture.js';

describe('orchestrate run', () => {
  it('runs the pipeline as it was at an older SHA after HEAD moved, and records that SHA', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const v1 = repo.commit({ 'pipelines/letters.yaml': scriptPipeline('letters'), 'scripts/letters.js': writeLetter('A') });
    repo.commit({ 'scripts/letters.js': writeLetter('B') });
    const workdir = join(temp.path, 'work');
    try {
      const result = runCli(['run', '--repo', repo.path, '--sha', v1.slice(0, 8), '--pipeline', 'letters'], { env: { ORCHESTRATION_WORKDIR: workdir } });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const id = /Starting execution ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
      expect(readFileSync(join(workdir, 'executions', `${id}`, 'output', 'out.txt'), 'utf8')).toBe('A');
      expect(readFileSync(join(workdir, 'executions', `${id}`, 'workspace', 'scripts', 'letters.js'), 'utf8')).toBe(writeLetter('A'));
      const created = JSON.parse(readFileSync(join(workdir, 'state', 'executions', `${id}.ndjson`), 'utf8').split('\n')[0] ?? '{}') as Record<string, unknown>;
      expect(created).toMatchObject({ type: 'execution.created', commit_sha: v1, pipeline_file: 'pipelines/letters.yaml' });
      const head = runCli(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'letters'], { env: { ORCHESTRATION_WORKDIR: workdir } });
      const headId = /Starting execution ([0-9a-f-]{36})/.exec(head.stdout)?.[1];
      expect(readFileSync(join(workdir, 'executions', `${headId}`, 'output', 'out.txt'), 'utf8')).toBe('B');
    } finally {
      await makeWritable(workdir);
    }
  });

  it('exits 2 naming the pipelines there are when the name is wrong', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const sha = repo.commit({ 'pipelines/letters.yaml': scriptPipeline('letters'), 'scripts/letters.js': writeLetter('A') });
    const workdir = join(temp.path, 'work');
    try {
      const result = runCli(['run', '--repo', repo.path, '--sha', sha, '--pipeline', 'leters'], { env: { ORCHESTRATION_WORKDIR: workdir } });
      expect(result.stderr).toBe(`error: No pipeline \`leters\` under pipelines/ at ${sha.slice(0, 12)}; did you mean \`letters\`?\n`);
      expect(result.status).toBe(2);
    } finally {
      await makeWritable(workdir);
    }
  });
});
