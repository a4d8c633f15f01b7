import { describe, expect, it } from 'vitest';
import { foldExecution } from '../../src/state/fold.js';
import { makeWorld, seedExecution } from './state-fixtures.js';

describe('orchestrate state set', () => {
  it('appends one state.overridden event with who and why, on top of the history', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world, { outcome: 'failed' });
    const before = await world.state.read(id);
    const result = world.cli(['state', 'set', '--execution-id', id, '--task', 'warehouse', '--status', 'pending', '--reason', 'Retry after manual fix', '--by', 'oncall@example.com']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`Appended state.overridden as seq ${before.length + 1} to execution ${id}: load.warehouse → pending (by oncall@example.com: Retry after manual fix)\n`);
    expect(result.status).toBe(0);
    const after = await world.state.read(id);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.at(-1)).toMatchObject({ seq: before.length + 1, type: 'state.overridden', task: 'load.warehouse', status: 'pending', message: 'Retry after manual fix', by: 'oncall@example.com' });
    const state = foldExecution(after);
    expect(state.stages[1]?.tasks[0]?.status).toBe('pending');
    expect(state.overrides).toHaveLength(1);
  });

  it('shows the event with --dry-run and appends nothing', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world, { outcome: 'failed' });
    const before = await world.state.read(id);
    const result = world.cli(['state', 'set', '--execution-id', id, '--status', 'cancelled', '--message', 'Manual cancel - exceeded SLA', '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Dry run: would append to execution ${id} after seq ${before.length} (the execution → cancelled):`);
    expect(result.stdout).toContain('"message": "Manual cancel - exceeded SLA"');
    expect(await world.state.read(id)).toEqual(before);
  });

  it('refuses a running execution without --force, and changes it with --force', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world, { outcome: 'running' });
    const refused = world.cli(['state', 'set', '--execution-id', id, '--status', 'failed', '--reason', 'stuck']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(
      `error: Execution ${id} is running: a manual status could race the engine that runs it. Cancel it first, or pass --force to record the change anyway.\n`,
    );
    const forced = world.cli(['state', 'set', '--execution-id', id, '--status', 'failed', '--reason', 'stuck', '--force']);
    expect(forced.status).toBe(0);
    expect(foldExecution(await world.state.read(id)).status).toBe('failed');
    // The index follows: history shows the new status.
    expect((await world.state.list({})).executions[0]?.status).toBe('failed');
  });

  it.each([
    { name: 'no reason', args: ['--status', 'failed'], message: '`state set` needs --reason "<why>"' },
    { name: 'an unknown task', args: ['--task', 'warehose', '--status', 'failed', '--reason', 'x'], message: 'has no task `warehose`; did you mean `load.warehouse`?' },
    { name: 'a task status for the execution', args: ['--status', 'skipped', '--reason', 'x'], message: 'Expected --status to be one of running, succeeded, failed, cancelled for an execution, got `skipped`.' },
    { name: 'a misspelt status', args: ['--task', 'orders', '--status', 'faild', '--reason', 'x'], message: 'got `faild`; did you mean `failed`?' },
  ])('exits 2 for $name, appending nothing', async ({ args, message }) => {
    await using world = await makeWorld();
    const id = await seedExecution(world, { outcome: 'failed' });
    const before = await world.state.read(id);
    const result = world.cli(['state', 'set', '--execution-id', id, ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await world.state.read(id)).toEqual(before);
  });

  it('exits 1 for an unknown execution', async () => {
    await using world = await makeWorld();
    const result = world.cli(['state', 'set', '--execution-id', 'missing-run', '--status', 'failed', '--reason', 'x']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: No execution `missing-run` in the file state store');
  });
});
