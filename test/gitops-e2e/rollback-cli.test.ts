import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { startCli } from './cli-process.js';
import { artifactHashes, LETTERS_PIPELINE, ledgerFiles, lettersRepo, readLedger, runAndId, startedTasks } from './rollback-fixture.js';

const ALL = ['extract.fetch', 'transform.letter', 'publish.report'];

/** v1 ran (A), then HEAD moved to v2 and ran (B): the execution a rollback undoes. */
function ranBoth(temp: { path: string }) {
  const { repo, v1, v2 } = lettersRepo(join(temp.path, 'origin'));
  const workdir = join(temp.path, 'work');
  const env = { ORCHESTRATION_WORKDIR: workdir };
  const good = runAndId(['run', '--repo', repo.path, '--sha', v1, '--pipeline', 'letters'], env).id;
  const bad = runAndId(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'letters'], env).id;
  return { repo, v1, v2, workdir, env, good, bad };
}

const output = (workdir: string, id: string, file: string) => readFileSync(join(workdir, 'executions', id, 'output', file), 'utf8');

describe('orchestrate rollback execute', () => {
  it('checkpoint to a SHA reruns only the changed task and what follows it, and reproduces v1\'s artifact hashes', async () => {
    using temp = makeTempDir();
    const { repo, v1, workdir, env, good, bad } = ranBoth(temp);
    try {
      const badLedgerBefore = readFileSync(join(workdir, 'state', 'executions', `${bad}.ndjson`), 'utf8');
      const { id, result } = runAndId(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-sha', v1.slice(0, 10)], env);
      expect(result.stdout).toContain(`extract.fetch restored from execution ${bad} (1 artifact, 9 B)`);
      const ledger = readLedger(workdir, id);
      expect(ledger[0]).toMatchObject({ type: 'execution.created', commit_sha: v1, trigger: 'rollback', rollback_of: bad });
      expect(startedTasks(ledger)).toEqual(['transform.letter', 'publish.report']);
      expect(ledger.find((event) => event.type === 'task.succeeded' && event.task === 'extract.fetch')).toMatchObject({ attempt: 0, restored_from: bad });
      expect(artifactHashes(ledger)).toEqual(artifactHashes(readLedger(workdir, good)));
      expect(output(workdir, id, 'letters.txt')).toBe('r1=A\nr2=A\nr3=A\n');
      // v1 ran after HEAD had moved to v2 and still wrote A; v2 wrote B.
      expect([output(workdir, good, 'letters.txt'), output(workdir, bad, 'letters.txt')]).toEqual(['r1=A\nr2=A\nr3=A\n', 'r1=B\nr2=B\nr3=B\n']);
      // History is never edited: the rolled-back execution's ledger is byte for byte what it was.
      expect(readFileSync(join(workdir, 'state', 'executions', `${bad}.ndjson`), 'utf8')).toBe(badLedgerBefore);
      const state = JSON.parse(runCli(['state', 'get', '--execution-id', id, '--format', 'json'], { env }).stdout) as { rollback_of: string; trigger: string; commit_sha: string; status: string };
      expect(state).toMatchObject({ rollback_of: bad, trigger: 'rollback', commit_sha: v1, status: 'succeeded' });
    } finally {
      await makeWritable(workdir);
    }
  });

  it('checkpoint to an execution restores all of it when nothing differs, checking every sha256 with --verify', async () => {
    using temp = makeTempDir();
    const { repo, workdir, env, good, bad } = ranBoth(temp);
    try {
      const { id } = runAndId(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-execution-id', good, '--strategy', 'checkpoint', '--verify', '--force'], env);
      const ledger = readLedger(workdir, id);
      expect(startedTasks(ledger)).toEqual([]);
      expect(ledger.filter((event) => event.type === 'task.succeeded').map((event) => [event.task, event.restored_from])).toEqual(ALL.map((task) => [task, good]));
      expect(artifactHashes(ledger)).toEqual(artifactHashes(readLedger(workdir, good)));
      expect(output(workdir, id, 'report.txt')).toBe('report: 3 rows, first r1=A\n');
    } finally {
      await makeWritable(workdir);
    }
  });

  it('restart re-runs from the named stage at the execution\'s own SHA, reusing its artifacts for the earlier stages', async () => {
    using temp = makeTempDir();
    const { repo, v2, workdir, env, bad } = ranBoth(temp);
    try {
      const { id } = runAndId(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--strategy', 'restart', '--stage', 'publish'], env);
      const ledger = readLedger(workdir, id);
      expect(ledger[0]).toMatchObject({ commit_sha: v2, rollback_of: bad });
      expect(startedTasks(ledger)).toEqual(['publish.report']);
      expect(ledger.filter((event) => event.restored_from === bad).map((event) => event.task)).toEqual(['extract.fetch', 'transform.letter']);
      expect(artifactHashes(ledger)).toEqual(artifactHashes(readLedger(workdir, bad)));
    } finally {
      await makeWritable(workdir);
    }
  });

  it('revert runs every task from scratch at the target SHA', async () => {
    using temp = makeTempDir();
    const { repo, v1, workdir, env, good, bad } = ranBoth(temp);
    try {
      const { id } = runAndId(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-sha', v1, '--strategy', 'revert'], env);
      const ledger = readLedger(workdir, id);
      expect(startedTasks(ledger)).toEqual(ALL);
      expect(ledger.some((event) => event.restored_from !== undefined)).toBe(false);
      expect(artifactHashes(ledger)).toEqual(artifactHashes(readLedger(workdir, good)));
    } finally {
      await makeWritable(workdir);
    }
  });

  it('--dry-run prints what is restored (with sizes) and what runs again, and records nothing', async () => {
    using temp = makeTempDir();
    const { repo, v1, v2, workdir, env, bad } = ranBoth(temp);
    try {
      const before = ledgerFiles(workdir);
      const result = runCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-sha', v1, '--dry-run'], { env });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`[DRY-RUN] Rollback plan for execution ${bad} (strategy checkpoint):`);
      expect(result.stdout).toContain(`  Restore from execution ${bad} (1 task, 1 artifact, 9 B):\n    - extract.fetch\n        rows.txt (9 B, sha256 `);
      expect(result.stdout).toContain(`  Re-run (2 tasks):\n    - transform.letter: changed between ${v2.slice(0, 12)} and ${v1.slice(0, 12)}\n    - publish.report: upstream transform.letter runs again\n`);
      expect(result.stdout).toMatch(/ {2}Estimated time: \S+, a full run \S+ \(task medians of 2 succeeded executions\)\n/);
      expect(ledgerFiles(workdir)).toEqual(before);
      const json = JSON.parse(runCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-sha', v1, '--dry-run', '--format', 'json'], { env }).stdout) as { restored: { task: string }[]; rerun: { task: string }[]; target_sha: string };
      expect(json).toMatchObject({ target_sha: v1, restored: [{ task: 'extract.fetch' }], rerun: [{ task: 'transform.letter' }, { task: 'publish.report' }] });
    } finally {
      await makeWritable(workdir);
    }
  });

  it('exits 1 with the findings, running nothing, when the target commit\'s pipeline does not validate', async () => {
    using temp = makeTempDir();
    const { repo, workdir, env, bad } = ranBoth(temp);
    try {
      const v3 = repo.commit({ 'pipelines/letters.yaml': LETTERS_PIPELINE.replace('scripts/letter.js', 'scripts/missing.js') }, 'v3');
      const ledgersBefore = ledgerFiles(workdir);
      const result = runCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-sha', v3, '--strategy', 'revert'], { env });
      expect(result.stderr).toContain('pipelines/letters.yaml:14:17  error  structure/missing-file  `scripts/missing.js` does not exist');
      expect(result.status).toBe(1);
      expect(ledgerFiles(workdir)).toEqual(ledgersBefore);
    } finally {
      await makeWritable(workdir);
    }
  });

  it('exits 2 naming the problem for a missing target, an unknown execution, an unknown stage and a revert with artifacts', async () => {
    using temp = makeTempDir();
    const { repo, v1, workdir, env, bad } = ranBoth(temp);
    try {
      const base = ['rollback', 'execute', '--repo', repo.path, '--execution-id', bad];
      const cases: [string[], string][] = [
        [[], 'error: --strategy checkpoint needs a target: --to-execution-id, --to-sha or --to-timestamp\n'],
        [['--to-sha', v1, '--to-execution-id', bad], 'error: Give one of --to-execution-id, --to-sha and --to-timestamp, not several\n'],
        [['--strategy', 'restart', '--stage', 'publsh'], 'error: --stage `publsh` is not a stage of letters at ' + readLedger(workdir, bad)[0]?.commit_sha?.toString().slice(0, 12) + ' (stages: extract, transform, publish); did you mean `publish`?\n'],
        [['--to-sha', v1, '--strategy', 'revert', '--include-artifacts'], 'error: --strategy revert runs every task from scratch and restores nothing; use --strategy checkpoint to reuse artifacts\n'],
        [['--to-timestamp', 'yesterday'], 'error: --to-timestamp `yesterday` is not a date and time; use ISO 8601, e.g. 2024-01-15T14:30:00Z\n'],
      ];
      const executionsBefore = readdirSync(join(workdir, 'executions')).sort();
      for (const [extra, message] of cases) {
        const result = runCli([...base, ...extra], { env });
        expect({ extra, stderr: result.stderr, status: result.status }).toEqual({ extra, stderr: message, status: 2 });
      }
      // The unknown stage is found after the target's tree was checked out: none of it is left behind.
      expect(readdirSync(join(workdir, 'executions')).sort()).toEqual(executionsBefore);
      const unknown = runCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', 'no-such-id', '--to-sha', v1], { env });
      expect(unknown.stderr).toBe('error: --execution-id: no execution `no-such-id` in this state store; check the id with `orchestrate history list` and pass the same --workdir/--state as the run\n');
      expect(unknown.status).toBe(2);
    } finally {
      await makeWritable(workdir);
    }
  });

  it('--verify stops before running anything when a stored artifact no longer matches its sha256, and the ledger says why', async () => {
    using temp = makeTempDir();
    const { repo, workdir, env, good, bad } = ranBoth(temp);
    try {
      const rows = readLedger(workdir, good).find((event) => event.type === 'artifact.stored' && event.path === 'rows.txt');
      const blob = fileURLToPath(rows?.uri as string);
      chmodSync(blob, 0o644);
      writeFileSync(blob, 'r1\nr2\nXX\n');
      const { id, result } = runAndId(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-execution-id', good, '--verify'], env, 1);
      expect(result.stderr).toMatch(new RegExp(`^error: Rollback ${id} stopped before running anything: restoring artifacts failed: .*rows\\.txt`));
      const ledger = readLedger(workdir, id);
      expect(startedTasks(ledger)).toEqual([]);
      expect(ledger.at(-1)).toMatchObject({ type: 'execution.finished', status: 'failed' });
      expect(String(ledger.at(-1)?.reason)).toMatch(/^restoring artifacts failed: /);
    } finally {
      await makeWritable(workdir);
    }
  });

  it('an artifact index entry that disagrees with the ledger is never restored on trust: that task runs again', async () => {
    using temp = makeTempDir();
    const { repo, workdir, env, good, bad } = ranBoth(temp);
    try {
      // The index of the good run now says its letters.txt is the bad run's blob (sha256, size, uri all consistent).
      const stored = (id: string) => readLedger(workdir, id).find((event) => event.type === 'artifact.stored' && event.path === 'letters.txt') as Record<string, unknown>;
      const other = stored(bad);
      const index = join(workdir, 'artifacts', 'index', `${good}.ndjson`);
      chmodSync(index, 0o644);
      const lines = readFileSync(index, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      writeFileSync(index, lines.map((line) => JSON.stringify(line.path === 'letters.txt' ? { ...line, sha256: other.sha256, size_bytes: other.size_bytes, uri: other.uri } : line)).join('\n') + '\n');
      const plan = runCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-execution-id', good, '--dry-run'], { env });
      expect(plan.stdout).toContain(`    - transform.letter: its stored artifacts differ from what execution ${good}'s ledger recorded\n    - publish.report: upstream transform.letter runs again\n`);
      const { id } = runAndId(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-execution-id', good, '--verify'], env);
      expect(startedTasks(readLedger(workdir, id))).toEqual(['transform.letter', 'publish.report']);
      expect(output(workdir, id, 'letters.txt')).toBe('r1=A\nr2=A\nr3=A\n');
      expect(artifactHashes(readLedger(workdir, id))).toEqual(artifactHashes(readLedger(workdir, good)));
    } finally {
      await makeWritable(workdir);
    }
  });

  it('--notify POSTs what happened once the rollback has finished', async () => {
    using temp = makeTempDir();
    const { repo, v1, env, workdir, bad } = ranBoth(temp);
    const received: unknown[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rollback`;
      const cli = startCli(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad, '--to-sha', v1, '--notify', url], env);
      const result = await cli.exited;
      expect(result.status).toBe(0);
      const id = /^Starting execution (\S+)$/m.exec(result.stdout)?.[1];
      expect(received).toEqual([
        { event: 'rollback.completed', execution_id: id, rollback_of: bad, pipeline: 'letters', strategy: 'checkpoint', status: 'succeeded', reason: null, commit_sha: v1, restored_from: bad, restored: ['extract.fetch'], rerun: ['transform.letter', 'publish.report'] },
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await makeWritable(workdir);
    }
  });
});
