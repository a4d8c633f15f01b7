import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline, writeLetter } from './git-fixture.js';

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

  it('resumes a failed run at its own SHA and workspace, after HEAD moved on', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const twoTasks = `version: "2.1"
name: flaky
stages:
  - name: main
    tasks:
      - { name: first, type: node_script, script: scripts/first.js }
      - { name: second, type: node_script, script: scripts/second.js, dependencies: [first], retry: false, env: { FLAG_FILE: "{{ env.FLAG_FILE }}" } }
`;
    // Fails once (until the flag file exists), then writes its letter.
    const second = (letter: string) => `const fs = require('node:fs');
if (!fs.existsSync(process.env.FLAG_FILE)) { fs.writeFileSync(process.env.FLAG_FILE, '1'); process.exit(3); }
${writeLetter(letter)}`;
    repo.commit({ 'pipelines/flaky.yaml': twoTasks, 'scripts/first.js': 'console.log("first ran")\n', 'scripts/second.js': second('A') });
    const workdir = join(temp.path, 'work');
    const env = { ORCHESTRATION_WORKDIR: workdir, FLAG_FILE: join(temp.path, 'flag') };
    try {
      const failed = runCli(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'flaky'], { env });
      expect(failed.status).toBe(1);
      const id = /Starting execution ([0-9a-f-]{36})/.exec(failed.stdout)?.[1] ?? '';
      // The hint resumes with the command that started it, not `pipeline execute`.
      expect(failed.stdout).toContain(`Resume:    orchestrate run --repo ${repo.path} --workdir ${workdir} --resume ${id}\n`);
      repo.commit({ 'scripts/second.js': second('B') });
      const resumed = runCli(['run', '--repo', repo.path, '--resume', id], { env });
      expect(resumed.status).toBe(0);
      expect(readFileSync(join(workdir, 'executions', id, 'output', 'out.txt'), 'utf8')).toBe('A');
      const events = readFileSync(join(workdir, 'state', 'executions', `${id}.ndjson`), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; task?: string });
      expect(events.filter((event) => event.type === 'task.started').map((event) => event.task)).toEqual(['main.first', 'main.second', 'main.second']);
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
      const neither = runCli(['run', '--repo', repo.path], { env: { ORCHESTRATION_WORKDIR: workdir } });
      expect(neither.stderr).toBe('error: `run` needs --sha and --pipeline, or --resume ID to continue an execution\n');
      expect(neither.status).toBe(2);
      const unknown = runCli(['run', '--repo', repo.path, '--resume', 'no-such-id'], { env: { ORCHESTRATION_WORKDIR: workdir } });
      expect(unknown.stderr).toContain('error: No execution `no-such-id` in this state store');
      expect(unknown.status).toBe(2);
    } finally {
      await makeWritable(workdir);
    }
  });
});
