import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { foldExecution } from '../../src/state/fold.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { runCli } from '../helpers/run-cli.js';
import { execute, executionIdOf, filesUnder, isolatedEnv, readText } from './execute-support.js';
import { makeWorld, seedExecution, seedLogs } from './state-fixtures.js';

describe.each(['file', 'redis'] as const)('orchestrate state archive (%s store)', (backend) => {
  it('writes the events as NDJSON, gzipped, with the logs, and leaves the store as it was', async () => {
    await using world = await makeWorld(backend);
    const id = await seedExecution(world, { outcome: 'failed' });
    await seedLogs(world, id, [['extract.orders', 'rows: 10']]);
    const destination = join(world.root, 'archive');
    const result = world.cli(['state', 'archive', '--execution-id', id, '--destination', destination, '--format', 'ndjson', '--compress', '--include-logs']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`Wrote 2 files for 1 execution to ${destination}`);
    const events = gunzipSync(readFileSync(join(destination, id, 'events.ndjson.gz'))).toString().trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(events).toEqual(await world.state.read(id));
    const logs = gunzipSync(readFileSync(join(destination, id, 'logs.ndjson.gz'))).toString().trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(logs).toEqual([{ at: '2024-01-15T10:30:01.000Z', task: 'extract.orders', attempt: 1, stream: 'stdout', text: 'rows: 10' }]);
    expect(foldExecution(await world.state.read(id)).status).toBe('failed');
  });
});

describe('orchestrate state archive', () => {
  it('writes the folded state as JSON and one CSV row per task', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world, { outcome: 'failed' });
    const destination = join(world.root, 'archive');
    expect(world.cli(['state', 'archive', '--execution-id', id, '--destination', destination]).status).toBe(0);
    expect(JSON.parse(readFileSync(join(destination, id, 'state.json'), 'utf8'))).toEqual(foldExecution(await world.state.read(id)));
    expect(world.cli(['state', 'archive', '--execution-id', id, '--destination', destination, '--format', 'csv']).status).toBe(0);
    const rows = readFileSync(join(destination, id, 'tasks.csv'), 'utf8').split('\r\n');
    expect(rows[0]).toBe('execution_id,pipeline,commit_sha,execution_status,stage,task,status,attempt,exit_code,started_at,completed_at,cpu_seconds,memory_mb_peak,artifacts,error');
    expect(rows.slice(1, -1).map((row) => row.split(',').slice(4, 9))).toEqual([
      ['extract', 'orders', 'succeeded', '1', '0'],
      ['extract', 'customers', 'succeeded', '1', '0'],
      ['load', 'warehouse', 'failed', '1', '3'],
    ]);
  });

  it('archives every execution older than --older-than, and only lists them with --dry-run', async () => {
    await using world = await makeWorld();
    const old = await seedExecution(world, { createdAt: new Date(Date.now() - 40 * 86_400_000) });
    const recent = await seedExecution(world);
    const destination = join(world.root, 'archive');
    const dry = world.cli(['state', 'archive', '--older-than', '30d', '--destination', destination, '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`Dry run: would write 1 file for 1 execution to ${destination}\n  ${join(destination, old, 'state.json')}  `);
    expect(existsSync(destination)).toBe(false);
    expect(world.cli(['state', 'archive', '--older-than', '30d', '--destination', destination]).status).toBe(0);
    expect(existsSync(join(destination, old, 'state.json'))).toBe(true);
    expect(existsSync(join(destination, recent))).toBe(false);
  });

  it.each([
    { name: 'neither an id nor an age', args: ['--destination', 'out'], status: 2, message: 'error: Say what to archive: pass either --execution-id <id> or --older-than <duration> (such as 30d), not both.' },
    { name: 'a remote destination', args: ['--execution-id', 'x', '--destination', 's3://bucket/2024/'], status: 2, message: 'error: Expected --destination to be a local directory, got `s3://bucket/2024/`' },
    { name: 'an unknown execution', args: ['--execution-id', 'gone', '--destination', 'out'], status: 1, message: 'error: No execution `gone` in the file state store' },
  ])('refuses $name', async ({ args, status, message }) => {
    await using world = await makeWorld();
    const result = world.cli(['state', 'archive', ...args]);
    expect(result.status).toBe(status);
    expect(result.stderr).toContain(message);
  });

  // Artifacts are copied byte for byte: what a task writes into its own outputs is its business.
  it('holds no secret of a real run: the ledger and the logs are archived redacted', async () => {
    using dir = makeTempDir('orchestrate-archive-');
    const secret = 'archived-secret-5a1f9c';
    dir.write(
      'leaky.yaml',
      `version: "2.1"
name: leaky
stages:
  - name: run
    tasks:
      - name: talk
        type: shell
        command: echo "password is $DB_PASSWORD"; echo "report ok" > "$OUTPUT_DIR/report.txt"
        env:
          DB_PASSWORD: "{{ secrets.DB_PASSWORD }}"
        output_artifacts:
          - path: report.txt
            type: report
        retry: false
        timeout: 1m
`,
    );
    const run = execute(dir.path, ['--pipeline', 'leaky.yaml'], { ORCHESTRATE_SECRET_DB_PASSWORD: secret });
    expect(run.stderr).toBe('');
    const id = executionIdOf(run.stdout);
    const destination = join(dir.path, 'archive');
    for (const format of ['json', 'ndjson', 'csv']) {
      const result = runCli(['state', 'archive', '--execution-id', id, '--destination', destination, '--workdir', 'work', '--format', format, '--include-logs', '--include-artifacts'], {
        cwd: dir.path,
        env: isolatedEnv(dir.path),
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
    const files = filesUnder(destination);
    // Real content was archived: the masked line, the artifact copy.
    expect(readText(join(destination, id, 'logs.ndjson'))).toContain('password is [redacted]');
    expect(files.some((file) => file.endsWith(join('artifacts', 'run.talk', 'report.txt')))).toBe(true);
    for (const file of files) expect(readText(file).includes(secret), file).toBe(false);
  });
});
