import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliResult } from '../helpers/run-cli.js';
import { CLI, PROJECT_ROOT } from '../helpers/run-cli.js';


export interface CliProcess {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has exited. */
  exited: Promise<CliResult>;
}

/**
 * The built CLI as a background process in its own process group, so the test can serve it
 * (a Git server in this process) or SIGKILL it with everything it started.
 */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv, options: { uid?: number; gid?: number } = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ status: code ?? (signal ? 128 : -1), stdout: out, stderr: err })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits (polling, with a generous deadline) until `check` holds; the deadline only turns a hang into a failure. */
export async function waitUntil<T>(what: string, check: () => T | undefined, options: { deadlineMs?: number; cli?: CliProcess } = {}): Promise<T> {
  const until = Date.now() + (options.deadlineMs ?? 20_000);
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Gave up waiting for ${what}${options.cli ? `; the CLI printed:\n${options.cli.stdout()}${options.cli.stderr()}` : ''}`);
    await sleep(25);
  }
}

/** The id a running CLI printed on its first line. */
export function printedId(cli: CliProcess): string | undefined {
  return /^Starting execution ([0-9a-f-]{36})$/m.exec(cli.stdout())?.[1];
}

/** The pid of the latest `task.started` of `task` in an execution's file ledger, once it is durable. */
export function startedPid(workdir: string, executionId: string, task: string): number | undefined {
  const file = join(workdir, 'state', 'executions', `${executionId}.ndjson`);
  if (!existsSync(file)) return undefined;
  const started = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; task?: string; pid?: number }).filter((event) => event.type === 'task.started' && event.task === task);
  return started.at(-1)?.pid;
}

/** A script line that blocks until the file named by `$GATE` exists: the test decides when the task goes on. */
export const WAIT_FOR_GATE = "while (!require('node:fs').existsSync(process.env.GATE)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);\n";
