import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldExecution } from '../../src/state/fold.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { makeLeakGuard } from '../executors/process-helpers.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { CRASH_TASKS } from './crash-pipeline.js';

const bundleDir = makeTempDir('engine-crash-bundle-');
const child = join(bundleDir.path, 'crash-child.mjs');

beforeAll(async () => {
  // One bundle of the child and the sources it imports; packages resolve through a link to node_modules.
  await build({ entryPoints: [join(import.meta.dirname, 'crash-child.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: child, packages: 'external', logLevel: 'warning' });
  symlinkSync(join(import.meta.dirname, '..', '..', 'node_modules'), join(bundleDir.path, 'node_modules'));
});
afterAll(() => bundleDir[Symbol.dispose]());

/** Kill moments in milliseconds after the engine starts, spread over the run (fixed, so a failure can be replayed). */
const KILL_AFTER_MS = [40, 90, 140, 60, 200, 110, 30, 170];

describe('crash and resume', () => {
  it('an execution SIGKILLed again and again completes on resume, its ledger always parses, and no succeeded task runs again', async () => {
    using work = makeTempDir('engine-crash-');
    const guard = makeLeakGuard();
    const executionId = randomUUID();
    const stateDir = join(work.path, 'state');
    const start = (resume: boolean) => spawn(process.execPath, [child], { env: { ...process.env, ...guard.env, WORK: work.path, STATE_DIR: stateDir, EXECUTION_ID: executionId, RESUME: resume ? '1' : '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const ledger = async () => {
      await using store = new FileStateStore({ directory: stateDir });
      return store.read(executionId);
    };

    let killedMidRun = 0;
    for (const delay of KILL_AFTER_MS) {
      const resume = (await ledger()).length > 0;
      const orchestrator = start(resume);
      const exited = once(orchestrator, 'exit');
      let timer: NodeJS.Timeout | undefined;
      orchestrator.stdout.once('data', () => (timer = setTimeout(() => orchestrator.kill('SIGKILL'), delay)));
      const [code] = (await exited) as [number | null];
      clearTimeout(timer);
      const events = await ledger();
      if (code === null && events.length > 0 && !events.some((event) => event.type === 'execution.finished')) killedMidRun++;
      // After every kill the ledger reads back whole and in order.
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      if (code === 0) break;
    }
    expect(killedMidRun, 'kills that landed while the execution ran').toBeGreaterThan(0);

    const last = start((await ledger()).length > 0);
    const output: Buffer[] = [];
    last.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    const [code] = (await once(last, 'exit')) as [number | null];
    expect(code).toBe(0);
    const events = await ledger();
    const state = foldExecution(events);
    expect(state.status).toBe('succeeded');
    expect(state.stages[0]?.tasks.map((task) => task.status)).toEqual(Array(CRASH_TASKS).fill('succeeded'));
    expect(events.filter((event) => event.type === 'execution.created')).toHaveLength(1);

    // A task that had succeeded never ran again: no run used an attempt after its first recorded success.
    for (let index = 0; index < CRASH_TASKS; index++) {
      const task = `s.t${index}`;
      const success = events.find((event) => event.type === 'task.succeeded' && event.task === task) as { attempt: number };
      const runs = readFileSync(join(work.path, `runs.t${index}`), 'utf8').trim().split('\n').map(Number);
      expect(runs.filter((attempt) => attempt > success.attempt), task).toEqual([]);
    }
    // Tasks orphaned by a killed orchestrator finish on their own (each sleeps 30 ms); give them a moment.
    let leaked = guard.leaked();
    for (let turn = 0; turn < 100 && leaked.length > 0; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      leaked = guard.leaked();
    }
    guard.killLeaked();
    expect(leaked, 'processes left running').toEqual([]);
  });
});
