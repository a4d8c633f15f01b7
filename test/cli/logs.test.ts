import { describe, expect, it } from 'vitest';
import { startCli } from './execute-support.js';
import { makeWorld, seedExecution, seedLogs, stamped } from './state-fixtures.js';

const LINES: [string, string][] = [
  ['extract.orders', 'orders 1'],
  ['extract.customers', 'customers 1'],
  ['extract.orders', 'orders 2'],
  ['load.warehouse', 'loaded'],
];

describe('orchestrate logs', () => {
  it('prints every task’s lines in order, labelled; one task’s as written; the last N; with timestamps', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world);
    await seedLogs(world, id, LINES);
    const all = world.cli(['logs', '--execution-id', id]);
    expect(all.status).toBe(0);
    expect(all.stdout).toBe('[extract.orders] orders 1\n[extract.customers] customers 1\n[extract.orders] orders 2\n[load.warehouse] loaded\n');
    expect(world.cli(['logs', '--execution-id', id, '--task', 'orders', '--full']).stdout).toBe('orders 1\norders 2\n');
    expect(world.cli(['logs', '--execution-id', id, '--lines', '1', '--timestamps']).stdout).toBe('2024-01-15T10:30:01.000Z [load.warehouse] loaded\n');
  });

  it('prints JSON lines with timestamp, task, level and message', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world);
    world.logs.append(id, { task: 'extract.orders', attempt: 2, stream: 'stderr', at: '2024-01-15T10:30:02.000Z', text: 'timeout talking to API' });
    await world.logs.flush();
    const result = world.cli(['logs', '--execution-id', id, '--format', 'json']);
    expect(result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual([
      { timestamp: '2024-01-15T10:30:02.000Z', task: 'extract.orders', attempt: 2, stream: 'stderr', level: 'error', message: 'timeout talking to API' },
    ]);
  });

  it('exits 2 for a task the execution does not have, with the closest one', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world);
    const result = world.cli(['logs', '--execution-id', id, '--task', 'extract_orders']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: Execution ${id} has no task \`extract_orders\`; did you mean \`extract.orders\`? Its tasks: extract.orders, extract.customers, load.warehouse.\n`,
    );
  });

  it('exits 1 for an unknown execution', async () => {
    await using world = await makeWorld();
    const result = world.cli(['logs', '--execution-id', 'never-ran']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: No execution `never-ran` in the file state store');
  });
});

describe.each(['file', 'redis'] as const)('orchestrate logs --follow (%s store)', (backend) => {
  it('streams new lines of a running execution and exits 0 once it finishes', async () => {
    await using world = await makeWorld(backend);
    const id = await seedExecution(world, { outcome: 'running' });
    await seedLogs(world, id, [['extract.orders', 'already there']]);
    const live = startCli(['logs', '--execution-id', id, '--follow'], { cwd: world.root, env: world.env });
    try {
      await live.waitForLine(/already there/);
      await seedLogs(world, id, [['load.warehouse', 'written while following']]);
      await live.waitForLine(/written while following/);
      // Lines flushed just before the finish still come out, after which the command ends on its own.
      await seedLogs(world, id, [['load.warehouse', 'last line']]);
      await world.state.append({ executionId: id, events: [stamped({ type: 'execution.finished', status: 'succeeded' }, new Date())] });
      expect(await live.exit).toEqual({ code: 0, signal: null });
      expect(live.stdout()).toBe('[extract.orders] already there\n[load.warehouse] written while following\n[load.warehouse] last line\n');
    } finally {
      live.child.kill('SIGKILL');
    }
  });
});

describe('orchestrate logs --follow', () => {
  it('stops on Ctrl-C with exit 0', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world, { outcome: 'running' });
    await seedLogs(world, id, [['extract.orders', 'waiting']]);
    const live = startCli(['logs', '--execution-id', id, '--follow'], { cwd: world.root, env: world.env });
    try {
      await live.waitForLine(/waiting/);
      live.child.kill('SIGINT');
      expect(await live.exit).toEqual({ code: 0, signal: null });
    } finally {
      live.child.kill('SIGKILL');
    }
  });

  it('prints and exits at once when the execution has already finished', async () => {
    await using world = await makeWorld();
    const id = await seedExecution(world);
    await seedLogs(world, id, LINES.slice(0, 1));
    const result = world.cli(['logs', '--execution-id', id, '--follow']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('[extract.orders] orders 1\n');
  });
});
