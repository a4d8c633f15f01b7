import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { writeLetter } from '../gitops/git-fixture.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { printedId, startCli, startedPid, waitUntil, WAIT_FOR_GATE } from './cli-process.js';
import { readLedger, runAndId, startedTasks } from './rollback-fixture.js';

const GATED = `version: "2.1"
name: gated
stages:
  - name: main
    tasks:
      - { name: first, type: node_script, script: scripts/first.js }
      - name: second
        type: node_script
        script: scripts/second.js
        dependencies: [first]
        retry: { max_attempts: 3, backoff: constant, initial_delay: 1s }
        env: { GATE: "{{ env.GATE }}" }
`;

/** Waits for the gate, fails its first attempt in this output directory, then writes its letter and what it saw. */
function gatedScript(letter: string): string {
  return `${WAIT_FOR_GATE}const fs = require('node:fs'); const path = require('node:path');
const marker = path.join(process.env.OUTPUT_DIR, 'attempted');
if (!fs.existsSync(marker)) { fs.writeFileSync(marker, '1'); process.exit(3); }
fs.writeFileSync(path.join(process.env.OUTPUT_DIR, 'seen.txt'), fs.readdirSync(process.env.OUTPUT_DIR).sort().join(','));
${writeLetter(letter)}`;
}

describe('executions pinned to a commit', () => {
  it('a v1 execution SIGKILLed mid-task, resumed after HEAD moved to v2, and retried, still runs v1 code', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const v1 = repo.commit({ 'pipelines/gated.yaml': GATED, 'scripts/first.js': 'console.log("first")\n', 'scripts/second.js': gatedScript('A') });
    const workdir = join(temp.path, 'work');
    const env = { ORCHESTRATION_WORKDIR: workdir, GATE: join(temp.path, 'gate') };
    try {
      const cli = startCli(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'gated'], env);
      const id = await waitUntil('the execution id', () => printedId(cli), { cli });
      const pid = await waitUntil('the second task to start', () => startedPid(workdir, id, 'main.second'), { cli });
      // The orchestrator and the task's own process group die together, as on a machine crash.
      process.kill(-(cli.child.pid as number), 'SIGKILL');
      process.kill(-pid, 'SIGKILL');
      expect((await cli.exited).status).toBe(128);
      repo.commit({ 'scripts/second.js': gatedScript('B') });
      writeFileSync(env.GATE, '');
      const resumed = runCli(['run', '--repo', repo.path, '--resume', id], { env });
      expect(resumed.stderr).toBe('');
      expect(resumed.status).toBe(0);
      const output = join(workdir, 'executions', id, 'output');
      expect(readFileSync(join(output, 'out.txt'), 'utf8')).toBe('A');
      const ledger = readLedger(workdir, id);
      expect(ledger[0]).toMatchObject({ type: 'execution.created', commit_sha: v1 });
      // first ran once; second's killed attempt, a failed one, and the retry that wrote A.
      expect(ledger.filter((event) => event.type === 'task.started').map((event) => `${event.task}#${event.attempt}`)).toEqual(['main.first#1', 'main.second#1', 'main.second#2', 'main.second#3']);
      expect(ledger.filter((event) => event.type === 'task.retrying').map((event) => event.task)).toEqual(['main.second']);
    } finally {
      await makeWritable(workdir);
    }
  });

  it('a commit force-pushed away after it ran stays runnable and can be rolled back to', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const v1 = repo.commit({ 'pipelines/letters.yaml': LETTER_PIPELINE, 'scripts/letter.js': writeLetter('A') });
    const v2 = repo.commit({ 'scripts/letter.js': writeLetter('B') });
    const workdir = join(temp.path, 'work');
    const env = { ORCHESTRATION_WORKDIR: workdir };
    try {
      const ran = runAndId(['run', '--repo', repo.path, '--sha', v2, '--pipeline', 'letters'], env).id;
      repo.git('reset', '--quiet', '--hard', v1);
      const v3 = repo.commit({ 'scripts/letter.js': writeLetter('C') }, 'rewrites history');
      repo.git('reflog', 'expire', '--expire=now', '--all');
      repo.git('gc', '--quiet', '--prune=now');
      expect(spawnSync('git', ['-C', repo.path, 'cat-file', '-e', `${v2}^{commit}`]).status).not.toBe(0);
      const again = runAndId(['run', '--repo', repo.path, '--sha', v2, '--pipeline', 'letters'], env).id;
      expect(readFileSync(join(workdir, 'executions', again, 'output', 'out.txt'), 'utf8')).toBe('B');
      const atHead = runAndId(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'letters'], env).id;
      expect(readLedger(workdir, atHead)[0]).toMatchObject({ commit_sha: v3 });
      const rollback = runAndId(['rollback', 'execute', '--repo', repo.path, '--execution-id', atHead, '--to-execution-id', ran, '--strategy', 'revert'], env).id;
      expect(readLedger(workdir, rollback)[0]).toMatchObject({ commit_sha: v2, rollback_of: atHead });
      expect(readFileSync(join(workdir, 'executions', rollback, 'output', 'out.txt'), 'utf8')).toBe('B');
    } finally {
      await makeWritable(workdir);
    }
  });

  it('two executions at different SHAs running at once never see each other\'s files', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const v1 = repo.commit({ 'pipelines/gated.yaml': GATED.replace('max_attempts: 3', 'max_attempts: 2'), 'scripts/first.js': 'console.log("first")\n', 'scripts/second.js': gatedScript('A') });
    const v2 = repo.commit({ 'scripts/second.js': gatedScript('B') });
    const workdir = join(temp.path, 'work');
    const env = { ORCHESTRATION_WORKDIR: workdir, GATE: join(temp.path, 'gate') };
    try {
      const runs = [v1, v2].map((sha) => startCli(['run', '--repo', repo.path, '--sha', sha, '--pipeline', 'gated'], env));
      const ids = await Promise.all(runs.map((cli) => waitUntil('an execution id', () => printedId(cli), { cli })));
      // Both second tasks are in flight together before either may go on.
      await Promise.all(ids.map((id, index) => waitUntil('the second task to start', () => startedPid(workdir, id, 'main.second'), { cli: runs[index] })));
      writeFileSync(env.GATE, '');
      const results = await Promise.all(runs.map((cli) => cli.exited));
      expect(results.map((result) => result.status)).toEqual([0, 0]);
      const [a, b] = ids.map((id) => join(workdir, 'executions', id)) as [string, string];
      expect([readFileSync(join(a, 'output', 'out.txt'), 'utf8'), readFileSync(join(b, 'output', 'out.txt'), 'utf8')]).toEqual(['A', 'B']);
      expect([readFileSync(join(a, 'workspace', 'scripts', 'second.js'), 'utf8'), readFileSync(join(b, 'workspace', 'scripts', 'second.js'), 'utf8')]).toEqual([gatedScript('A'), gatedScript('B')]);
      // Each task listed its own output directory: only its own marker, never the other run's files.
      expect([readFileSync(join(a, 'output', 'seen.txt'), 'utf8'), readFileSync(join(b, 'output', 'seen.txt'), 'utf8')]).toEqual(['attempted', 'attempted']);
      expect(readdirSync(join(a, 'output')).sort()).toEqual(['attempted', 'out.txt', 'seen.txt']);
      expect(ids.map((id) => startedTasks(readLedger(workdir, id)))).toEqual([['main.first', 'main.second'], ['main.first', 'main.second']]);
    } finally {
      await makeWritable(workdir);
    }
  });
});

const LETTER_PIPELINE = `version: "2.1"
name: letters
stages:
  - name: main
    tasks:
      - name: write
        type: node_script
        script: scripts/letter.js
        output_artifacts: [{ path: out.txt, type: file }]
`;
