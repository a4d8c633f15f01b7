import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalProcessRunner, type ProcessRunnerOptions, type ProcessSpec } from '../../src/executors/local-process.js';
import { detectProcessSupport, type ProcessSupport } from '../../src/executors/process-support.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { BURN_CPU, collectLines, isAlive, makeLeakGuard } from './process-helpers.js';

const guard = makeLeakGuard();
const detected = detectProcessSupport();
const PROC_ONLY: ProcessSupport = { notes: ['forced by the test'] };
const MODES: { name: string; support: ProcessSupport }[] = [
  { name: `as detected (cgroup v2 ${detected.cgroup ? 'writable' : 'not writable'}, prlimit ${detected.prlimit ? 'present' : 'absent'})`, support: detected },
  { name: 'without cgroups (process group + /proc sampling)', support: PROC_ONLY },
];
const MIB = 1024 * 1024;

afterEach(() => {
  const leaked = guard.leaked();
  guard.killLeaked();
  expect(leaked, 'processes the test left running').toEqual([]);
  if (detected.cgroup) {
    const ours = readdirSync(detected.cgroup.parent).filter((name) => name.startsWith(`auto-orchestrator-${process.pid}-`));
    expect(ours, 'attempt cgroups left behind').toEqual([]);
  }
});

function start(argv: string[], spec: Partial<ProcessSpec> = {}, options: ProcessRunnerOptions & { signal?: AbortSignal } = {}) {
  const { signal, ...runnerOptions } = options;
  const runner = new LocalProcessRunner({ support: detected, ...runnerOptions });
  const out = collectLines();
  const handle = runner.run({ argv, cwd: '/tmp', secrets: [], ...spec, env: { ...guard.env, ...spec.env } }, { signal: signal ?? new AbortController().signal, onLine: out.onLine });
  return { handle, out };
}

async function run(argv: string[], spec: Partial<ProcessSpec> = {}, options: ProcessRunnerOptions & { signal?: AbortSignal } = {}) {
  const { handle, out } = start(argv, spec, options);
  return { result: await handle.result, out, pid: handle.pid };
}

describe('exit status', () => {
  it.each([
    { name: 'success', script: 'exit 0', exitCode: 0, signal: null },
    { name: 'a failure code', script: 'exit 3', exitCode: 3, signal: null },
    { name: 'killed by a signal', script: 'kill -USR1 $$', exitCode: null, signal: 'SIGUSR1' },
  ])('$name', async ({ script, exitCode, signal }) => {
    const { result, pid } = await run(['sh', '-c', script]);
    expect(result).toMatchObject({ exitCode, signal, timedOut: false, cancelled: false });
    expect(result.startError).toBeUndefined();
    expect(pid).toBeGreaterThan(0);
  });
});

describe('output capture', () => {
  it('keeps each stream in order, with ISO timestamps that never go back', async () => {
    const { out } = await run(['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do echo "out $i"; echo "err $i" >&2; done']);
    expect(out.text('stdout')).toEqual(Array.from({ length: 10 }, (_, i) => `out ${i + 1}`));
    expect(out.text('stderr')).toEqual(Array.from({ length: 10 }, (_, i) => `err ${i + 1}`));
    const times = out.lines.map((line) => line.at);
    for (const at of times) expect(new Date(at).toISOString()).toBe(at);
    expect([...times].sort()).toEqual(times);
  });

  it('emits a partial last line, drops the CR of CRLF and keeps empty lines', async () => {
    const { out } = await run(['sh', '-c', "printf 'a\\r\\nb\\n\\nc\\rd\\nlast'; printf 'tail' >&2"]);
    expect(out.text('stdout')).toEqual(['a', 'b', '', 'c\rd', 'last']);
    expect(out.text('stderr')).toEqual(['tail']);
  });

  it('cuts a huge line at the cap and marks it, then carries on', async () => {
    const { out } = await run(['sh', '-c', "head -c 200000 /dev/zero | tr '\\0' x; echo; echo after"]);
    const [huge, after] = out.text('stdout');
    expect(huge).toBe(`${'x'.repeat(64 * 1024)} [truncated: line of 200000 bytes]`);
    expect(after).toBe('after');
  });

  it('redacts secrets, even split across writes or lines, before onLine sees them', async () => {
    const script = 'echo "token=$API_TOKEN"; printf "hun"; sleep 0.05; printf "ter2 done\\n"; printf "%s\\n" "$PEM" >&2';
    const { out } = await run(['sh', '-c', script], { env: { API_TOKEN: 'hunter2', PEM: '-----BEGIN-----\nc2VjcmV0\n-----END-----' }, secrets: ['hunter2', '-----BEGIN-----\nc2VjcmV0\n-----END-----'] });
    expect(out.text('stdout')).toEqual(['token=[redacted]', '[redacted] done']);
    expect(out.text('stderr')).toEqual(['[redacted]', '[redacted]', '[redacted]']);
    expect(JSON.stringify(out.lines)).not.toMatch(/hunter2|c2VjcmV0/);
  });
});

describe('environment', () => {
  it('is the attempt env plus PATH, HOME and LANG: nothing else of the orchestrator leaks', async () => {
    process.env.AO_PARENT_ONLY = 'must-not-leak';
    try {
      const { out } = await run(['sh', '-c', 'env'], { env: { GIVEN: 'yes', LANG: 'C' } });
      const env = Object.fromEntries(out.text('stdout').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
      expect(env.AO_PARENT_ONLY).toBeUndefined();
      expect(env.GIVEN).toBe('yes');
      expect(env.LANG).toBe('C');
      expect(env.PATH).toBe(process.env.PATH);
      // What sh adds itself (PWD, SHLVL, _) aside, nothing beyond what was given and inherited.
      const extra = Object.keys(env).filter((name) => !['GIVEN', 'LANG', 'PATH', 'HOME', 'AO_TEST_MARK', 'PWD', 'SHLVL', 'OLDPWD', '_'].includes(name));
      expect(extra).toEqual([]);
    } finally {
      delete process.env.AO_PARENT_ONLY;
    }
  });
});

describe.each(MODES)('process tree, $name', ({ support }) => {
  it('a timeout kills the whole tree, grandchildren included', async () => {
    using dir = makeTempDir();
    const pidfile = join(dir.path, 'pid');
    const { result } = await run(['sh', '-c', `sleep 30 & echo $! > ${pidfile}; echo started; sleep 30`], { timeoutSeconds: 1 }, { support });
    expect(result).toMatchObject({ timedOut: true, cancelled: false, exitCode: null, signal: 'SIGTERM' });
    expect(isAlive(Number(readFileSync(pidfile, 'utf8')))).toBe(false);
  });

  it('SIGKILLs the tree after the grace period when SIGTERM is ignored', async () => {
    using dir = makeTempDir();
    const pidfile = join(dir.path, 'pid');
    const { result } = await run(['sh', '-c', `trap '' TERM; sleep 30 & echo $! > ${pidfile}; while :; do sleep 1; done`], { timeoutSeconds: 0.5 }, { support, killGraceMs: 200 });
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(isAlive(Number(readFileSync(pidfile, 'utf8')))).toBe(false);
  });

  it('cancelling through the AbortSignal kills the tree and says cancelled', async () => {
    using dir = makeTempDir();
    const pidfile = join(dir.path, 'pid');
    const controller = new AbortController();
    const { handle, out } = start(['sh', '-c', `sleep 30 & echo $! > ${pidfile}; echo started; sleep 30`], {}, { support, signal: controller.signal });
    await out.waitFor(/^started$/);
    controller.abort();
    const result = await handle.result;
    expect(result).toMatchObject({ cancelled: true, timedOut: false, signal: 'SIGTERM' });
    expect(isAlive(Number(readFileSync(pidfile, 'utf8')))).toBe(false);
  });

  it('kills what the task left running when its main process exits', async () => {
    using dir = makeTempDir();
    const pidfile = join(dir.path, 'pid');
    const { result } = await run(['sh', '-c', `sleep 30 & echo $! > ${pidfile}; exit 0`], {}, { support });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(isAlive(Number(readFileSync(pidfile, 'utf8')))).toBe(false);
  });

  it('reports CPU seconds and peak memory of the tree', async () => {
    const burn = await run(['python3', '-c', BURN_CPU(0.3)], {}, { support, sampleIntervalMs: 20 });
    expect(burn.result.exitCode).toBe(0);
    expect(burn.result.resourceUsage?.cpu_seconds).toBeGreaterThan(0.1);
    const allocate = await run(['python3', '-c', 'import time\nb = b"x" * (100 * 1024 * 1024)\ntime.sleep(0.5)'], {}, { support, sampleIntervalMs: 20 });
    expect(allocate.result.exitCode).toBe(0);
    expect(allocate.result.resourceUsage?.memory_mb_peak).toBeGreaterThan(50);
  });
});

describe.skipIf(!detected.cgroup?.kill)('with a cgroup', () => {
  it('also kills a process that left the process group with setsid', async () => {
    using dir = makeTempDir();
    const pidfile = join(dir.path, 'pid');
    const { result } = await run(['sh', '-c', `setsid sleep 30 & echo $! > ${pidfile}; exit 0`]);
    expect(result.exitCode).toBe(0);
    expect(isAlive(Number(readFileSync(pidfile, 'utf8')))).toBe(false);
  });
});

describe('memory limit', () => {
  const enforced = detected.cgroup?.memoryLimit === true || detected.prlimit !== undefined;
  it.skipIf(!enforced)(`is enforced (${detected.cgroup?.memoryLimit ? 'cgroup memory.max' : detected.prlimit ? 'prlimit --as' : 'skipped: neither a cgroup v2 memory controller nor prlimit on this machine'})`, async () => {
    const limit = 150 * MIB;
    const within = await run(['python3', '-c', 'b = b"x" * (10 * 1024 * 1024)'], { memoryLimitBytes: limit });
    expect(within.result.exitCode).toBe(0);
    const over = await run(['python3', '-c', 'b = b"x" * (400 * 1024 * 1024)'], { memoryLimitBytes: limit });
    expect(over.result.exitCode === 0 && over.result.signal === null).toBe(false);
  });
});

describe('start errors', () => {
  it('a missing binary is a start error, not an exception', async () => {
    const { result, pid } = await run(['definitely-not-a-program-7f3a']);
    expect(pid).toBeUndefined();
    expect(result.startError).toMatch(/^`definitely-not-a-program-7f3a` was not found on the task's PATH/);
    expect(result.exitCode).toBeNull();
  });

  it('a file that is not executable is a start error naming EACCES', async () => {
    using dir = makeTempDir();
    const script = dir.write('job.sh', '#!/bin/sh\necho hi\n');
    chmodSync(script, 0o644);
    const { result } = await run([script]);
    expect(result.startError).toBe(`\`${script}\` is not executable (EACCES); make it executable (chmod +x) or run it through its interpreter`);
  });

  it('a missing working directory is a start error', async () => {
    const { result } = await run(['true'], { cwd: '/nonexistent-ao-dir' });
    expect(result.startError).toBe('Could not start `true`: the working directory /nonexistent-ao-dir does not exist');
    expect(existsSync('/nonexistent-ao-dir')).toBe(false);
  });

  it('an attempt cancelled before it starts never spawns', async () => {
    const controller = new AbortController();
    controller.abort();
    const { result, pid } = await run(['sleep', '30'], {}, { signal: controller.signal });
    expect(pid).toBeUndefined();
    expect(result).toMatchObject({ cancelled: true, exitCode: null });
  });
});
