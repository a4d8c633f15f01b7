import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { printedId, startCli, startedPid, waitUntil, WAIT_FOR_GATE } from './cli-process.js';
import { FETCH_SCRIPT, LETTERS_PIPELINE, letterScript, readLedger, REPORT_SCRIPT, runAndId, startedTasks } from './rollback-fixture.js';

describe('a rollback killed part-way', () => {
  it('resumes with `run --resume` at the rollback\'s commit, and its restored tasks still never run', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    // The letter task hands its gate to the script; only v1's script waits on it.
    const pipeline = LETTERS_PIPELINE.replace('        script: scripts/letter.js\n', '        script: scripts/letter.js\n        env: { GATE: "{{ env.GATE }}" }\n');
    const v1 = repo.commit({ 'pipelines/letters.yaml': pipeline, 'scripts/fetch.js': FETCH_SCRIPT, 'scripts/letter.js': WAIT_FOR_GATE + letterScript('A'), 'scripts/report.js': REPORT_SCRIPT });
    repo.commit({ 'scripts/letter.js': letterScript('B') });
    const workdir = join(temp.path, 'work');
    const env = { ORCHESTRATION_WORKDIR: workdir, GATE: join(temp.path, 'gate') };
    try {
      const bad = runAndId(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'letters'], env).id;
      const rollback = startCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-sha', v1], env);
      const id = await waitUntil('the rollback\'s id', () => printedId(rollback), { cli: rollback });
      const pid = await waitUntil('the letter task to start', () => startedPid(workdir, id, 'transform.letter'), { cli: rollback });
      process.kill(-(rollback.child.pid as number), 'SIGKILL');
      process.kill(-pid, 'SIGKILL');
      await rollback.exited;
      // Its ledger ends mid-run: rolling it back in turn needs --force.
      const refused = runCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', id, '--to-sha', v1, '--dry-run'], { env });
      expect(refused.stderr).toBe(`error: Execution ${id} is still running; wait for it to finish (or cancel it), or pass --force to roll back anyway\n`);
      expect(refused.status).toBe(2);
      expect(runCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', id, '--to-sha', v1, '--dry-run', '--force'], { env }).status).toBe(0);
      writeFileSync(env.GATE, '');
      const resumed = runCli(['run', '--repo', repo.path, '--resume', id], { env });
      expect(resumed.stderr).toBe('');
      expect(resumed.status).toBe(0);
      const ledger = readLedger(workdir, id);
      expect(ledger[0]).toMatchObject({ type: 'execution.created', commit_sha: v1, trigger: 'rollback', rollback_of: bad });
      expect(startedTasks(ledger)).toEqual(['transform.letter', 'publish.report']);
      expect(ledger.filter((event) => event.type === 'task.succeeded').map((event) => `${event.task}:${event.restored_from ?? 'ran'}`)).toEqual([`extract.fetch:${bad}`, 'transform.letter:ran', 'publish.report:ran']);
      expect(readFileSync(join(workdir, 'executions', id, 'output', 'letters.txt'), 'utf8')).toBe('r1=A\nr2=A\nr3=A\n');
    } finally {
      await makeWritable(workdir);
    }
  });
});
