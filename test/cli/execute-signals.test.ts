import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { eventually, execute, executionIdOf, isolatedEnv, isRunning, startCli, stateOf, taskStatuses } from './execute-support.js';

function readPid(file: string): number {
  return Number(readFileSync(file, 'utf8').trim());
}

/** One task: a shell that records its pid and its child's, then waits on the child. */
function waitingPipeline(dir: string, prelude = ''): string {
  return `version: "2.1"
name: waits
stages:
  - name: one
    tasks:
      - name: wait
        type: shell
        command: |
          ${prelude}
          sleep 30 &
          echo $! > "${dir}/child.pid"
          echo $$ > "${dir}/shell.pid"
          wait
        retry: false
        timeout: 2m
`;
}

describe('pipeline execute under signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('cancels on %s: the execution ends cancelled, exit %i, and no task process is left', async (signal, code) => {
    using dir = makeTempDir('orchestrate-signal-');
    dir.write('waits.yaml', waitingPipeline(dir.path));
    const cli = startCli(['pipeline', 'execute', '--repo', '.', '--workdir', 'work', '--pipeline', 'waits.yaml'], { cwd: dir.path, env: isolatedEnv(dir.path) });
    await cli.waitForLine(/one\.wait started/);
    await eventually(() => existsSync(join(dir.path, 'shell.pid')), 'the task to record its pids');
    const pids = [readPid(join(dir.path, 'shell.pid')), readPid(join(dir.path, 'child.pid'))];
    cli.child.kill(signal);
    expect(await cli.exit).toEqual({ code, signal: null });
    expect(cli.stdout()).toContain(`${signal}: cancelling the execution`);
    expect(cli.stdout()).toMatch(/^Execution \S+ cancelled in .+\(cancelled by signal\)$/m);
    const state = await stateOf(join(dir.path, 'work'), executionIdOf(cli.stdout()));
    expect(state.status).toBe('cancelled');
    expect(taskStatuses(state)).toEqual({ 'one.wait': 'cancelled' });
    await eventually(() => pids.every((pid) => !isRunning(pid)), 'the task processes to be gone');
  });

  it('kills at once on a second SIGINT, even a task that ignores SIGTERM', async () => {
    using dir = makeTempDir('orchestrate-signal-');
    dir.write('waits.yaml', waitingPipeline(dir.path, "trap '' TERM INT"));
    const cli = startCli(['pipeline', 'execute', '--repo', '.', '--workdir', 'work', '--pipeline', 'waits.yaml'], { cwd: dir.path, env: isolatedEnv(dir.path) });
    await eventually(() => existsSync(join(dir.path, 'shell.pid')), 'the task to record its pids');
    const pids = [readPid(join(dir.path, 'shell.pid')), readPid(join(dir.path, 'child.pid'))];
    cli.child.kill('SIGINT');
    await cli.waitForLine(/SIGINT: cancelling/);
    cli.child.kill('SIGINT');
    expect(await cli.exit).toEqual({ code: 130, signal: null });
    expect(cli.stdout()).toContain('SIGINT again: killing the running tasks and exiting');
    await eventually(() => pids.every((pid) => !isRunning(pid)), 'the task processes to be gone');
  });

  it('resumes an execution whose process was killed: succeeded tasks do not run again, the running one gets a new attempt', async () => {
    using dir = makeTempDir('orchestrate-resume-');
    const marker = join(dir.path, 'markers');
    dir.write('chain.yaml', `version: "2.1"
name: chain
stages:
  - name: one
    tasks:
      - { name: a, type: shell, command: 'echo a >> "${marker}"', retry: false, timeout: 1m }
  - name: two
    tasks:
      - name: b
        type: shell
        command: |
          echo "$IDEMPOTENCY_KEY" >> "${dir.path}/keys"
          if [ "$ATTEMPT" = 1 ]; then echo $$ > "${dir.path}/b.pid"; exec sleep 30; fi
          echo b >> "${marker}"
        retry: false
        timeout: 1m
  - name: three
    tasks:
      - { name: c, type: shell, command: 'echo c >> "${marker}"', retry: false, timeout: 1m }
`);
    const cli = startCli(['pipeline', 'execute', '--repo', '.', '--workdir', 'work', '--pipeline', 'chain.yaml'], { cwd: dir.path, env: isolatedEnv(dir.path) });
    // The task can write its pid before its start is durable: wait for the ledger too.
    const ledgers = join(dir.path, 'work', 'state', 'executions');
    const ledgerShowsStart = () =>
      existsSync(ledgers) &&
      readdirSync(ledgers).some((name) => name.endsWith('.ndjson') && readFileSync(join(ledgers, name), 'utf8').split('\n').some((line) => line.includes('"task.started"') && line.includes('"two.b"')));
    await eventually(() => existsSync(join(dir.path, 'b.pid')) && ledgerShowsStart(), 'two.b to start');
    cli.child.kill('SIGKILL');
    await cli.exit;
    // The orphan keeps its own process group; a real crash leaves it too, here it is cleaned up.
    const orphan = readPid(join(dir.path, 'b.pid'));
    process.kill(-orphan, 'SIGKILL');
    const id = executionIdOf(cli.stdout());
    expect(taskStatuses(await stateOf(join(dir.path, 'work'), id))).toEqual({ 'one.a': 'succeeded', 'two.b': 'running', 'three.c': 'pending' });

    const resumed = execute(dir.path, ['--pipeline', 'chain.yaml', '--resume', id]);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`^Starting execution ${id}\\n`));
    expect(resumed.stdout).toContain('resuming with 1 task already succeeded');
    expect(readFileSync(marker, 'utf8')).toBe('a\nb\nc\n');
    expect(readFileSync(join(dir.path, 'keys'), 'utf8')).toBe(`${id}:two.b:1\n${id}:two.b:2\n`);
    const state = await stateOf(join(dir.path, 'work'), id);
    expect(state.status).toBe('succeeded');
    expect(state.stages[1]?.tasks[0]).toMatchObject({ status: 'succeeded', attempt: 2 });
    await eventually(() => !isRunning(orphan), 'the orphan to be gone');
  });

  it('refuses to resume an unknown execution or one of another pipeline version (exit 2)', async () => {
    using dir = makeTempDir('orchestrate-resume-');
    dir.write('one.yaml', 'version: "2.1"\nname: one\nstages:\n  - name: s\n    tasks:\n      - { name: t, type: shell, command: "exit 1", retry: false }\n');
    const unknown = execute(dir.path, ['--pipeline', 'one.yaml', '--resume', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^error: No execution `00000000-0000-4000-8000-000000000000` in this state store/);
    const failed = execute(dir.path, ['--pipeline', 'one.yaml']);
    expect(failed.status).toBe(1);
    dir.write('one.yaml', 'version: "2.1"\nname: one\nstages:\n  - name: s\n    tasks:\n      - { name: t, type: shell, command: "exit 0", retry: false }\n');
    const changed = execute(dir.path, ['--pipeline', 'one.yaml', '--resume', executionIdOf(failed.stdout)]);
    expect(changed.status).toBe(2);
    expect(changed.stderr).toMatch(/ran another version of one\.yaml .*resuming would mix two versions/);
  });
});
