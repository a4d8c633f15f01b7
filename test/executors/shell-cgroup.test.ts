import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalProcessRunner } from '../../src/executors/local-process.js';
import { detectProcessSupport, type ProcessSupport } from '../../src/executors/process-support.js';
import { collectLines, makeLeakGuard } from './process-helpers.js';

const guard = makeLeakGuard();
const detected = detectProcessSupport();
const PROC_ONLY: ProcessSupport = { notes: ['forced by the test'] };

afterEach(() => {
  const leaked = guard.leaked();
  guard.killLeaked();
  expect(leaked, 'processes the test left running').toEqual([]);
});

async function runShell(support: ProcessSupport, script: string, extra: string[] = []) {
  const runner = new LocalProcessRunner({ support });
  const out = collectLines();
  const handle = runner.run({ argv: ['sh', '-c', script, ...extra], cwd: '/tmp', secrets: [], env: guard.env }, { signal: new AbortController().signal, onLine: out.onLine });
  const result = await handle.result;
  return { result, out, pid: handle.pid };
}

// What a shell task sees of itself: its name, its arguments and where its errors point.
const SELF = 'echo "name=$0 args=$# $*"\nno_such_command_here';

describe('a `sh -c` task', () => {
  it('sees the same $0, arguments and error line numbers with and without a cgroup', async () => {
    const plain = await runShell(PROC_ONLY, SELF, ['extract', 'orders']);
    const asDetected = await runShell(detected, SELF, ['extract', 'orders']);
    expect(plain.out.text('stdout')).toEqual(['name=extract args=1 orders']);
    expect(asDetected.out.text('stdout')).toEqual(plain.out.text('stdout'));
    expect(asDetected.out.text('stderr')).toEqual(plain.out.text('stderr'));
    expect(plain.out.text('stderr').join('\n')).toMatch(/2: no_such_command_here: not found/);
    expect(asDetected.result.exitCode).toBe(127);
  });

  it.skipIf(!detected.cgroup)('runs its script in its own attempt cgroup from the first line, in the shell that was spawned', async () => {
    const { out, pid, result } = await runShell(detected, "echo \"pid=$$\"; grep '^0::' /proc/self/cgroup");
    expect(result.exitCode).toBe(0);
    const [pidLine, cgroupLine] = out.text('stdout');
    // The spawned process is the script's own shell: no wrapper in between.
    expect(pidLine).toBe(`pid=${pid}`);
    expect(cgroupLine).toMatch(new RegExp(`/auto-orchestrator-${process.pid}-\\d+$`));
    const own = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((line) => line.startsWith('0::'));
    expect(cgroupLine).not.toBe(own);
    const parent = (detected.cgroup as NonNullable<ProcessSupport['cgroup']>).parent;
    expect(readdirSync(parent).filter((name) => name.startsWith(`auto-orchestrator-${process.pid}-`))).toEqual([]);
  });
});
