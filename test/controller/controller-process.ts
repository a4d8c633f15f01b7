import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, PROJECT_ROOT } from '../helpers/run-cli.js';


/** A `controller start` child process of the built CLI, with everything it printed. */
export interface ControllerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The API address, once `<workdir>/controller.json` names it and `/healthz` answers. */
  ready(): Promise<string>;
}

export function spawnController(workdir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): ControllerProcess {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing; run \`npx tsc -p tsconfig.build.json\` before the tests`);
  const child = spawn(process.execPath, [CLI, 'controller', 'start', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NO_COLOR: '1', ORCHESTRATION_WORKDIR: workdir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    output: () => output,
    exited,
    async ready() {
      return waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`the controller exited (${child.exitCode}):\n${output}`);
        const file = join(workdir, 'controller.json');
        if (!existsSync(file)) return undefined;
        const { url, pid } = JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number };
        if (pid !== child.pid) return undefined;
        const health = await fetch(`${url}/healthz`).catch(() => undefined);
        return health?.ok ? url : undefined;
      }, 'the controller to listen');
    },
  };
}

/** Polls `check` until it returns a value; fails naming what it waited for. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stops a controller child: SIGKILL for a crash, SIGTERM for a shutdown; resolves when it is gone. */
export async function stopController(controller: ControllerProcess, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (controller.child.exitCode === null && controller.child.signalCode === null) controller.child.kill(signal);
  return controller.exited;
}

/**
 * Runs the built CLI without blocking this process: a server the test itself runs (a Git HTTP
 * server) keeps answering while the command talks to it.
 */
export function runCliAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('close', (code) => resolve({ status: code ?? -1, stdout, stderr })));
}
