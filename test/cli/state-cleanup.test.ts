import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWorld, seedExecution, seedLogs, type CliWorld } from './state-fixtures.js';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

/** An execution directory as the engine leaves it. */
function writeExecutionDirectory(world: CliWorld, id: string): string {
  const directory = join(world.workdir, 'executions', id);
  mkdirSync(join(directory, 'output'), { recursive: true });
  writeFileSync(join(directory, 'output', 'orders.csv'), 'id\n1\n');
  return directory;
}

describe.each(['file', 'redis'] as const)('orchestrate state cleanup (%s store)', (backend) => {
  it('removes old finished executions with their logs and directories, and keeps the rest', async () => {
    await using world = await makeWorld(backend);
    const old = await seedExecution(world, { createdAt: daysAgo(40) });
    const recent = await seedExecution(world, { createdAt: daysAgo(2) });
    await seedLogs(world, old, [['extract.orders', 'old output']]);
    await seedLogs(world, recent, [['extract.orders', 'recent output']]);
    const directory = writeExecutionDirectory(world, old);

    const result = world.cli(['state', 'cleanup', '--older-than', '30d']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Removed 1 execution from the ${backend === 'file' ? 'file' : 'Redis'} state store`));
    expect(result.stdout).toContain(old);
    expect(await world.state.read(old)).toEqual([]);
    expect(await world.logs.read(old)).toEqual([]);
    expect(existsSync(directory)).toBe(false);
    expect((await world.state.read(recent)).length).toBeGreaterThan(0);
    expect((await world.logs.read(recent)).map((record) => record.text)).toEqual(['recent output']);
    expect((await world.state.list({})).executions.map((summary) => summary.execution_id)).toEqual([recent]);
  });
});

describe('orchestrate state cleanup', () => {
  it('lists with --dry-run what a real run removes, and removes nothing', async () => {
    await using world = await makeWorld();
    const failed = await seedExecution(world, { createdAt: daysAgo(50), outcome: 'failed' });
    await seedExecution(world, { createdAt: daysAgo(50), outcome: 'succeeded' });
    const dry = world.cli(['state', 'cleanup', '--older-than', '30d', '--status', 'failed', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout.split('\n')[0]).toBe(`Dry run: would remove 1 execution from the file state store in ${world.workdir}.`);
    expect(dry.stdout).toMatch(new RegExp(`^${failed}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\s+failed\\s+daily_etl$`, 'm'));
    expect((await world.state.list({})).executions).toHaveLength(2);
  });

  it('keeps the N most recent of each pipeline', async () => {
    await using world = await makeWorld();
    const daily = [];
    for (let age = 10; age >= 7; age--) daily.push(await seedExecution(world, { createdAt: daysAgo(age) }));
    const weekly = await seedExecution(world, { createdAt: daysAgo(20), pipeline: 'weekly' });
    const result = world.cli(['state', 'cleanup', '--keep-count', '2']);
    expect(result.status).toBe(0);
    const left = (await world.state.list({})).executions.map((summary) => summary.execution_id);
    expect(left.sort()).toEqual([daily[2], daily[3], weekly].sort());
  });

  it('spares running executions without --force, and removes them with it', async () => {
    await using world = await makeWorld();
    const running = await seedExecution(world, { createdAt: daysAgo(40), outcome: 'running' });
    const spared = world.cli(['state', 'cleanup', '--older-than', '30d']);
    expect(spared.status).toBe(0);
    expect(spared.stdout).toMatch(/^Removed 0 executions/);
    expect(spared.stderr).toBe(`Spared ${running}: it is running; pass --force to remove a running execution.\n`);
    const named = world.cli(['state', 'cleanup', '--execution-id', running]);
    expect(named.status).toBe(1);
    expect(named.stderr).toContain(`error: Did not remove ${running}: still running. Cancel it first, or pass --force.`);
    expect((await world.state.read(running)).length).toBeGreaterThan(0);
    const forced = world.cli(['state', 'cleanup', '--execution-id', running, '--force']);
    expect(forced.status).toBe(0);
    expect(await world.state.read(running)).toEqual([]);
  });

  it.each([
    { name: 'no selection', args: [], message: 'error: Say what to remove: pass --older-than (such as 30d), --status, --keep-count or --execution-id. Add --dry-run to see the list first.' },
    { name: 'a bad duration', args: ['--older-than', '30days'], message: "error: option '--older-than <duration>' argument '30days' is invalid. Expected an age such as `30d`, `24h`, `90m` or `2w` (units ms, s, m, h, d, w), got `30days`." },
    { name: 'a bad status', args: ['--status', 'succeeded,done'], message: "error: option '--status <list>' argument 'succeeded,done' is invalid. Expected statuses from pending, running, succeeded, failed, cancelled (comma-separated), got `succeeded,done`." },
  ])('exits 2 for $name', async ({ args, message }) => {
    await using world = await makeWorld();
    const result = world.cli(['state', 'cleanup', ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(message);
  });
});
