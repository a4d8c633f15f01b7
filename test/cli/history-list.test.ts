import { describe, expect, it } from 'vitest';
import { makeWorld, seedExecution } from './state-fixtures.js';

const HOUR = 3_600_000;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR);

describe.each(['file', 'redis'] as const)('orchestrate history list (%s store)', (backend) => {
  it('prints one line per execution, newest first, filtered by pipeline, status and age', async () => {
    await using world = await makeWorld(backend);
    const old = await seedExecution(world, { createdAt: hoursAgo(48), outcome: 'failed' });
    const failed = await seedExecution(world, { createdAt: hoursAgo(3), outcome: 'failed' });
    const succeeded = await seedExecution(world, { createdAt: hoursAgo(2) });
    const other = await seedExecution(world, { createdAt: hoursAgo(1), pipeline: 'weekly' });

    const all = world.cli(['history', 'list']);
    expect(all.status).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual([other, succeeded, failed, old]);
    expect(lines[1]).toMatch(new RegExp(`^${succeeded}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC  succeeded  6s\\s+daily_etl$`));

    const recentFailures = world.cli(['history', 'list', '--last', '24h', '--status', 'failed']);
    expect(recentFailures.stdout.trimEnd().split('\n').map((line) => line.split(/\s+/)[0])).toEqual([failed]);

    const json = world.cli(['history', 'list', '--pipeline', 'daily_etl', '--limit', '2', '--format', 'json']);
    expect(JSON.parse(json.stdout).map((summary: { execution_id: string; status: string }) => [summary.execution_id, summary.status])).toEqual([
      [succeeded, 'succeeded'],
      [failed, 'failed'],
    ]);
  });
});

describe('orchestrate history list', () => {
  it('prints nothing on stdout when nothing matches, so `| wc -l` counts 0', async () => {
    await using world = await makeWorld();
    const result = world.cli(['history', 'list', '--status', 'failed']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`No executions match in the file state store in ${world.workdir}.\n`);
  });

  it('exits 2 for a bad --last and a bad --limit', async () => {
    await using world = await makeWorld();
    const last = world.cli(['history', 'list', '--last', 'yesterday']);
    expect(last.status).toBe(2);
    expect(last.stderr.split('\n')[0]).toBe("error: option '--last <duration>' argument 'yesterday' is invalid. Expected an age such as `30d`, `24h`, `90m` or `2w` (units ms, s, m, h, d, w), got `yesterday`.");
    const limit = world.cli(['history', 'list', '--limit', '0']);
    expect(limit.status).toBe(2);
    expect(limit.stderr.split('\n')[0]).toBe("error: option '--limit <n>' argument '0' is invalid. Expected a positive whole number, got `0`.");
  });
});
