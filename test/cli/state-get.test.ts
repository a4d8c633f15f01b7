import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import { makeWorld, seedExecution, seedLogs } from './state-fixtures.js';

describe.each(['file', 'redis'] as const)('orchestrate state get (%s store)', (backend) => {
  it('prints the folded state in the seed schema, plus commit, hash, trigger and trace id', async () => {
    await using world = await makeWorld(backend);
    const id = await seedExecution(world, { outcome: 'failed' });
    const result = world.cli(['state', 'get', '--execution-id', id, '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const state = JSON.parse(result.stdout);
    expect(state).toMatchObject({
      execution_id: id,
      pipeline: 'daily_etl',
      status: 'failed',
      duration_seconds: 6,
      triggered_by: 'user@example.com',
      commit_sha: '0123456789abcdef0123456789abcdef01234567',
      pipeline_hash: 'sha256:abc',
      trigger: 'cli',
      trace_id: 'trace-1',
      variables: { EXTRACTION_DATE: '2024-01-15' },
    });
    expect(state.stages.map((stage: { name: string; status: string }) => [stage.name, stage.status])).toEqual([
      ['extract', 'succeeded'],
      ['load', 'failed'],
    ]);
    expect(state.stages[0].tasks[0]).toMatchObject({
      id: 'orders',
      status: 'succeeded',
      attempt: 1,
      exit_code: 0,
      resource_usage: { cpu_seconds: 0.5, memory_mb_peak: 12 },
      artifacts: [{ path: 'orders.csv', type: 'dataset', size_bytes: 42, sha256: 'a'.repeat(64) }],
    });
    expect(state.stages[1].tasks[0]).toMatchObject({ id: 'warehouse', status: 'failed', exit_code: 3, error: 'exit code 3' });
  });
});

describe('orchestrate state get', () => {
  it('prints one compact JSON line with --compact, and YAML with --format yaml', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world);
    const compact = world.cli(['state', 'get', '--execution-id', id, '--compact']);
    expect(compact.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(compact.stdout).status).toBe('succeeded');
    const yaml = world.cli(['state', 'get', '--execution-id', id, '--format', 'yaml']);
    expect(yaml.status).toBe(0);
    expect(parse(yaml.stdout)).toEqual(JSON.parse(compact.stdout));
  });

  it('prints a short table with --format summary', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world, { outcome: 'failed' });
    const result = world.cli(['state', 'get', '--execution-id', id, '--format', 'summary']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Execution  ${id}`);
    expect(result.stdout).toContain('Status     failed (a task failed)');
    expect(result.stdout).toMatch(/^STAGE\s+TASK\s+STATUS\s+ATTEMPT\s+EXIT\s+DURATION\s+ERROR$/m);
    expect(result.stdout).toMatch(/^load\s+warehouse\s+failed\s+1\s+3\s+1s\s+exit code 3$/m);
    expect(result.stdout).toMatch(/^extract\s+orders\s+succeeded\s+1\s+0\s+2s$/m);
  });

  it('adds the task output and a flat artifact list when asked, and writes to --output', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world);
    await seedLogs(world, id, [
      ['extract.orders', 'rows: 10'],
      ['load.warehouse', 'loaded'],
    ]);
    const file = join(world.root, 'out', 'state.json');
    const result = world.cli(['state', 'get', '--execution-id', id, '--include-logs', '--include-artifacts', '--output', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    expect(state.logs.map((record: { task: string; text: string }) => [record.task, record.text])).toEqual([
      ['extract.orders', 'rows: 10'],
      ['load.warehouse', 'loaded'],
    ]);
    expect(state.artifacts).toEqual([{ task: 'extract.orders', path: 'orders.csv', type: 'dataset', size_bytes: 42, sha256: 'a'.repeat(64), uri: 'file:///tmp/blob', uploaded_to: null }]);
  });

  it('exits 1 naming the id and the store when the execution is unknown', async () => {
    await using world = await makeWorld();
    const result = world.cli(['state', 'get', '--execution-id', 'no-such-run']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: No execution \`no-such-run\` in the file state store in ${world.workdir}. List executions with \`orchestrate history list\`, or pass the --workdir / --state / --redis-url the run used.\n`,
    );
  });

  it('exits 2 for an id that is not an id, and for a format it does not know', async () => {
    await using world = await makeWorld();
    const bad = world.cli(['state', 'get', '--execution-id', '../../etc/passwd']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Expected an execution id of letters, digits');
    const format = world.cli(['state', 'get', '--execution-id', 'x', '--format', 'xml']);
    expect(format.status).toBe(2);
    expect(format.stderr).toContain("option '--format <format>' argument 'xml' is invalid. Allowed choices are json, yaml, summary.");
  });

  it('reads the store the flags name over the configuration', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world);
    const elsewhere = world.cli(['state', 'get', '--execution-id', id, '--workdir', join(world.root, 'other')]);
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toContain(`in the file state store in ${join(world.root, 'other')}`);
    expect(world.cli(['state', 'get', '--execution-id', id, '--workdir', world.workdir]).status).toBe(0);
    // --state redis with its URL: the default key prefix holds no run of this test.
    const redis = world.cli(['state', 'get', '--execution-id', id, '--state', 'redis', '--redis-url', inject('redisUrl')]);
    expect(redis.status).toBe(1);
    expect(redis.stderr).toContain(`in the Redis state store at ${inject('redisUrl')}`);
    const noUrl = world.cli(['state', 'get', '--execution-id', id, '--state', 'redis']);
    expect(noUrl.status).toBe(2);
    expect(noUrl.stderr).toBe('error: The Redis state backend needs a URL: set REDIS_URL, pass --redis-url, or set state.redis_url in the configuration file.\n');
  });
});
