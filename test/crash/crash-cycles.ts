import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { resumePointFrom } from '../../src/engine/resume-point.js';
import { foldExecution } from '../../src/state/fold.js';
import type { StateStore } from '../../src/state/state-store.js';
import type { LedgerEvent } from '../../src/state/events.js';
import { eventually, isRunning, startCli, type LiveCli } from '../cli/execute-support.js';

const STAGES = 10;
const TASKS_PER_STAGE = 5;

/**
 * 50 shell tasks in 10 stages, each stage's tasks depending on the whole stage before (the
 * default without `parallel`); each appends its name to the execution's marker file, so runs
 * can be counted. Six at once keep a run short, so thirty kills stay cheap.
 */
export function markerPipeline(): string {
  const stages = Array.from({ length: STAGES }, (_, stage) => {
    const tasks = Array.from({ length: TASKS_PER_STAGE }, (_, index) => {
      const name = `t${String(stage * TASKS_PER_STAGE + index).padStart(2, '0')}`;
      return `      - { name: ${name}, type: shell, command: 'echo "$TASK_NAME" >> "$OUTPUT_DIR/markers"', retry: false, timeout: 1m }`;
    });
    return `  - name: s${stage}\n    tasks:\n${tasks.join('\n')}`;
  });
  return `version: "2.1"\nname: crash_markers\nconfig:\n  max_concurrent: 6\nstages:\n${stages.join('\n')}\n`;
}

/** A small seeded generator (mulberry32): the same kill moments on every run of the suite. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CrashSetup {
  /** The repository holding `crash.yaml`, and the CLI's cwd. */
  dir: string;
  workdir: string;
  /** The CLI flags choosing the store. */
  storeArgs: readonly string[];
  env: NodeJS.ProcessEnv;
  /** The same store the CLI writes, opened by the test to read ledgers between kills. */
  store: StateStore;
  seed: number;
  kills: number;
}

/** How many times each task really ran in one execution, by its marker lines. */
function markerCounts(workdir: string, executionId: string): Map<string, number> {
  const counts = new Map<string, number>();
  let text = '';
  try {
    text = readFileSync(join(workdir, 'executions', executionId, 'output', 'markers'), 'utf8');
  } catch {
    return counts;
  }
  for (const name of text.split('\n').filter(Boolean)) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** Pids of attempts the ledger shows started and not exited. */
function orphanPids(events: readonly LedgerEvent[]): number[] {
  const running = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'task.started' && event.pid !== undefined) running.set(`${event.task}#${event.attempt}`, event.pid);
    if (event.type === 'task.exited') running.delete(`${event.task}#${event.attempt}`);
  }
  return [...running.values()];
}

function launch(setup: CrashSetup, resumeId?: string): LiveCli {
  const args = ['pipeline', 'execute', '--repo', '.', '--workdir', setup.workdir, '--pipeline', 'crash.yaml', '--log-format', 'text', ...setup.storeArgs, ...(resumeId ? ['--resume', resumeId] : [])];
  return startCli(args, { cwd: setup.dir, env: setup.env });
}

async function idOf(cli: LiveCli): Promise<string> {
  return (await cli.waitForLine(/^Starting execution /)).replace('Starting execution ', '');
}

/**
 * Kills `pipeline execute` with SIGKILL at `setup.kills` seeded random moments spread over the
 * run (a delay after the first line, up to what an uninterrupted run would still take), resumes after each, and
 * checks after every kill that the ledger folds and after the end that every execution succeeded
 * and that no task the ledger had recorded as succeeded ever ran again.
 */
export async function crashAndResume(setup: CrashSetup): Promise<{ executions: number; kills: number; checked: number; killsMidRun: number }> {
  const random = seededRandom(setup.seed);
  // One uninterrupted run: it must succeed, and its length bounds the kill delays.
  const baseline = launch(setup);
  const baselineId = await idOf(baseline);
  const started = Date.now();
  expect((await baseline.exit).code, baseline.stderr()).toBe(0);
  const runMs = Math.max(50, Date.now() - started);
  expect(markerCounts(setup.workdir, baselineId).size).toBe(STAGES * TASKS_PER_STAGE);

  /** Per execution: each task's marker count when the ledger first showed it succeeded. */
  const settled = new Map<string, Map<string, number>>();
  let current: string | undefined;
  let kills = 0;
  // Kills after some but not all tasks had succeeded: the ones that can catch a task run twice.
  let killsMidRun = 0;
  while (kills < setup.kills || current) {
    const cli = launch(setup, current);
    const id = await idOf(cli);
    current = id;
    if (!settled.has(id)) settled.set(id, new Map());
    // Spread over what is left of the run, so few launches finish before their kill.
    const left = 1 - (settled.get(id)?.size ?? 0) / (STAGES * TASKS_PER_STAGE);
    const killAfter = kills < setup.kills ? random() * runMs * Math.max(left, 0.1) : undefined;
    const timer = killAfter === undefined ? undefined : setTimeout(() => cli.child.kill('SIGKILL'), killAfter);
    const exit = await cli.exit;
    clearTimeout(timer);
    if (exit.signal !== 'SIGKILL') {
      expect(exit.code, `${cli.stdout()}\n${cli.stderr()}`).toBe(0);
      expect(foldExecution(await setup.store.read(id)).status).toBe('succeeded');
      current = undefined;
      continue;
    }
    kills++;
    const events = await setup.store.read(id);
    if (events.length === 0) {
      // Killed before `execution.created` was durable: nothing to resume, the next run starts afresh.
      settled.delete(id);
      current = undefined;
      continue;
    }
    // Attempts the dead process had started live on in their own process groups; let them end
    // first, so a late marker line is never mistaken for a second run.
    const orphans = orphanPids(events);
    await eventually(() => orphans.every((pid) => !isRunning(pid)), `orphaned attempts ${orphans.join(', ')} to end`);
    const state = foldExecution(events);
    expect(state.execution_id).toBe(id);
    expect(state.stages).toHaveLength(STAGES);
    const counts = markerCounts(setup.workdir, id);
    const seen = settled.get(id) as Map<string, number>;
    const succeeded = resumePointFrom(events, id).alreadySucceeded;
    if (succeeded.size > 0 && succeeded.size < STAGES * TASKS_PER_STAGE) killsMidRun++;
    for (const task of succeeded) {
      const name = task.split('.')[1] as string;
      if (!seen.has(name)) seen.set(name, counts.get(name) ?? 0);
    }
  }

  for (const [id, seen] of settled) {
    const state = foldExecution(await setup.store.read(id));
    expect(state.status, id).toBe('succeeded');
    const counts = markerCounts(setup.workdir, id);
    expect(counts.size, id).toBe(STAGES * TASKS_PER_STAGE);
    for (const [name, before] of seen) expect(counts.get(name), `${name} of ${id} ran again after it had succeeded`).toBe(before);
  }
  const checked = [...settled.values()].reduce((sum, seen) => sum + seen.size, 0);
  return { executions: settled.size, kills, checked, killsMidRun };
}
