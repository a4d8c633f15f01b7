import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, PROJECT_ROOT, runCli, type CliResult } from '../helpers/run-cli.js';
import { foldExecution, type ExecutionState } from '../../src/state/fold.js';
import { FileStateStore } from '../../src/state/file-store.js';


/** An environment with no configuration file and no Redis, so every run uses the embedded store under its own work directory. */
export function isolatedEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { AUTO_ORCHESTRATOR_CONFIG_PATH: join(dir, 'no-config.yaml'), REDIS_URL: '', ORCHESTRATION_WORKDIR: '', ...extra };
}

/** Runs `orchestrate pipeline execute` to the end in `dir` with `dir/work` as the work directory. */
export function execute(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  return runCli(['pipeline', 'execute', '--repo', '.', '--workdir', 'work', ...args], { cwd: dir, env: isolatedEnv(dir, env) });
}

/** A copy of the example repository to run in, so runs never write into the project. */
export function copyExample(dir: string): void {
  cpSync(join(PROJECT_ROOT, 'pipelines-example'), dir, { recursive: true });
}

export function executionIdOf(stdout: string): string {
  const match = /^Starting execution ([0-9a-f-]{36})$/m.exec(stdout);
  if (!match) throw new Error(`no execution id in:\n${stdout}`);
  return match[1] as string;
}

/** The folded ledger of an execution in the file store under `workdir`. */
export async function stateOf(workdir: string, executionId: string): Promise<ExecutionState> {
  await using store = new FileStateStore({ directory: join(workdir, 'state') });
  return foldExecution(await store.read(executionId));
}

export function taskStatuses(state: ExecutionState): Record<string, string> {
  return Object.fromEntries(state.stages.flatMap((stage) => stage.tasks.map((task) => [`${stage.name}.${task.id}`, task.status])));
}

/** The CLI as a live process: its output as it arrives, a way to wait for a line, and its exit. */
export interface LiveCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching, rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): LiveCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitForLine: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((candidate) => pattern.test(candidate));
          if (line === undefined) return;
          waiters.delete(check);
          resolve(line);
        };
        waiters.add(check);
        check();
        void exit.then(() => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          reject(new Error(`exited before printing ${pattern}:\n${out}\n${err}`));
        });
      }),
  };
}

/** Every regular file under a directory, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

export function readText(path: string): string {
  return readFileSync(path, 'latin1');
}

/** Alive and not a zombie waiting to be reaped (a zombie holds no resources and runs nothing). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls until `check` holds; the cap only stops a broken run from hanging the suite. */
export async function eventually(check: () => boolean, what: string, capMs = 20_000): Promise<void> {
  const deadline = Date.now() + capMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
