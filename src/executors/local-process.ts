import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { AttemptCgroup } from './attempt-cgroup.js';
import type { AttemptResult, AttemptSpec, OutputLine, RunningAttempt } from './executor.js';
import { emitText, makeLineSplitter, type LineSink } from './line-splitter.js';
import { signalGroup } from './process-group.js';
import { detectProcessSupport, type ProcessSupport } from './process-support.js';
import { reapTree } from './reap-tree.js';
import { longestSecretBytes, makeRedactor } from './redact.js';
import { ProgramResolver } from './resolve-program.js';
import { TreeSampler, type TreeTrack } from './tree-sampler.js';

/** What the runner needs of an attempt: the argv and the limits, nothing type-specific. */
export type ProcessSpec = Pick<AttemptSpec, 'env' | 'cwd' | 'timeoutSeconds' | 'memoryLimitBytes' | 'secrets'> & { argv: readonly string[] };

export interface AttemptIo {
  signal: AbortSignal;
  onLine: (line: OutputLine) => void;
}

export interface ProcessRunnerOptions {
  /** Between SIGTERM and SIGKILL on timeout or cancellation. @defaultValue 5000 */
  killGraceMs?: number;
  /** Longest captured line in bytes; longer ones are cut and marked. @defaultValue 65536 */
  maxLineBytes?: number;
  /** How often running trees are sampled for memory (and CPU without cgroups). @defaultValue 100 */
  sampleIntervalMs?: number;
  /** Variables copied from the orchestrator when the attempt does not set them. @defaultValue `['PATH', 'HOME', 'LANG']` */
  inheritEnv?: readonly string[];
  /** What this machine offers; probed with `detectProcessSupport()` on first use when omitted. */
  support?: ProcessSupport;
}

export const PROCESS_RUNNER_DEFAULTS = {
  killGraceMs: 5000,
  maxLineBytes: 64 * 1024,
  sampleIntervalMs: 100,
  inheritEnv: ['PATH', 'HOME', 'LANG'],
} satisfies Required<Omit<ProcessRunnerOptions, 'support'>>;

/** How long to wait for a killed tree to vanish, and for pipes to drain, before giving up. */
const SETTLE_MS = 2000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const MIB = 1024 * 1024;

/**
 * Runs one attempt as a process tree of its own: its own process group (spawned detached) and,
 * where cgroup v2 is writable, its own cgroup. Output is captured line by line and redacted;
 * timeout and cancellation send SIGTERM to the group, then SIGKILL after the grace period; when
 * the main process exits, whatever it left running is killed, so an attempt never outlives itself.
 */
export class LocalProcessRunner {
  readonly #options: Required<Omit<ProcessRunnerOptions, 'support'>>;
  #support: ProcessSupport | undefined;
  #sampler: TreeSampler;
  readonly #programs = new ProgramResolver();
  #sequence = 0;

  constructor(options: ProcessRunnerOptions = {}) {
    const { support, ...rest } = options;
    this.#options = { ...PROCESS_RUNNER_DEFAULTS, ...withoutUndefined(rest) };
    this.#support = support;
    this.#sampler = new TreeSampler(this.#options.sampleIntervalMs);
  }

  /** What this machine offers, probed once. */
  get support(): ProcessSupport {
    return (this.#support ??= detectProcessSupport());
  }

  /** @param missingProgram the start error when argv[0] is not on PATH, if the caller has a better one */
  run(spec: ProcessSpec, io: AttemptIo, missingProgram?: string): RunningAttempt {
    const started = performance.now();
    const settled = (fields: Partial<AttemptResult>): RunningAttempt => ({ result: Promise.resolve(resultOf(started, fields)) });
    if (io.signal.aborted) return settled({ cancelled: true });
    const [program, ...args] = spec.argv;
    if (program === undefined) return settled({ startError: 'The attempt has no command to run' });
    const env = taskEnv(spec.env, this.#options.inheritEnv);
    const resolved = this.#programs.resolve(program, env.PATH ?? '', spec.cwd);
    if (!resolved.ok) {
      return settled({
        startError:
          resolved.reason === 'missing'
            ? (missingProgram ?? `\`${program}\` was not found on the task's PATH (${env.PATH ?? 'unset'}); install it or set PATH in the task's env`)
            : `\`${resolved.path}\` is not executable (EACCES); make it executable (chmod +x) or run it through its interpreter`,
      });
    }

    const support = this.support;
    const cgroup = support.cgroup && AttemptCgroup.tryCreate(support.cgroup, `auto-orchestrator-${process.pid}-${++this.#sequence}`, spec.memoryLimitBytes);
    const command = wrapCommand(resolved.path, args, {
      cgroupProcs: cgroup?.procsFile,
      asLimit: spec.memoryLimitBytes !== undefined && !cgroup?.memoryLimited ? spec.memoryLimitBytes : undefined,
      prlimit: support.prlimit,
    });
    let child: ChildProcess;
    try {
      child = spawn(command.file, command.args, {
        cwd: spec.cwd,
        env,
        // Its own process group, so one kill(-pid) reaches the whole tree.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(command.file === resolved.path ? { argv0: program } : {}),
      });
    } catch (error) {
      cgroup?.remove();
      return settled({ startError: `Could not start \`${program}\`: ${(error as Error).message}` });
    }
    const pid = child.pid;
    if (pid === undefined) {
      cgroup?.remove();
      const failed = new Promise<AttemptResult>((resolve) => {
        child.once('error', (error: NodeJS.ErrnoException) => {
          const reason = error.code === 'ENOENT' && !existsSync(spec.cwd) ? `the working directory ${spec.cwd} does not exist` : error.message;
          resolve(resultOf(started, { startError: `Could not start \`${program}\`: ${reason}` }));
        });
      });
      return { result: failed };
    }
    const track = !cgroup || !support.cgroup?.memoryPeak ? this.#sampler.track({ pgid: pid, ...(cgroup ? { members: () => cgroup.members() } : {}) }) : undefined;
    return { pid, result: this.#supervise(child, pid, spec, io, { started, cgroup, track }) };
  }

  async #supervise(child: ChildProcess, pid: number, spec: ProcessSpec, io: AttemptIo, context: { started: number; cgroup?: AttemptCgroup; track?: TreeTrack }): Promise<AttemptResult> {
    const { cgroup, track } = context;
    const redact = makeRedactor(spec.secrets);
    const sink = (stream: OutputLine['stream']): LineSink =>
      makeLineSplitter({ stream, maxLineBytes: this.#options.maxLineBytes, slackBytes: longestSecretBytes(spec.secrets), redact, onLine: io.onLine });
    const stdout = sink('stdout');
    const stderr = sink('stderr');
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    let streamsClosed = false;
    const closed = new Promise<void>((resolve) =>
      child.once('close', () => {
        streamsClosed = true;
        resolve();
      }),
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    // After a successful spawn, 'error' only reports a failed kill, which signalGroup already handles.
    child.on('error', () => {});

    let cause: 'timeout' | 'cancel' | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const terminate = (reason: 'timeout' | 'cancel') => {
      if (cause) return;
      cause = reason;
      signalGroup(pid, 'SIGTERM');
      graceTimer = setTimeout(() => {
        signalGroup(pid, 'SIGKILL');
        cgroup?.kill();
      }, this.#options.killGraceMs);
    };
    const onAbort = () => terminate('cancel');
    io.signal.addEventListener('abort', onAbort, { once: true });
    const timeoutTimer = spec.timeoutSeconds === undefined ? undefined : setTimeout(() => terminate('timeout'), Math.min(spec.timeoutSeconds * 1000, MAX_TIMER_MS));

    const exit = await exited;
    clearTimeout(timeoutTimer);
    clearTimeout(graceTimer);
    io.signal.removeEventListener('abort', onAbort);
    track?.stop();

    const usage = await reapTree(pid, cgroup, SETTLE_MS);
    // Every writer is dead, so the pipes end at once (most often they already have), unless a
    // process escaped the group (and there is no cgroup to catch it) with our pipe as its
    // output: stop reading then.
    if (!streamsClosed) {
      const drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, SETTLE_MS);
      await closed;
      clearTimeout(drainTimer);
    }
    stdout.end();
    stderr.end();
    if (usage && usage.oomKills > 0) {
      emitText({ stream: 'stderr', maxLineBytes: this.#options.maxLineBytes, redact, onLine: io.onLine }, `[auto-orchestrator] the task exceeded its memory limit of ${spec.memoryLimitBytes} bytes and the kernel killed it (cgroup oom_kill)`);
    }

    const cpuSeconds = usage ? usage.cpuSeconds : (track?.cpuSeconds ?? 0);
    const peakBytes = usage?.memoryPeakBytes ?? track?.peakRssBytes ?? 0;
    return resultOf(context.started, {
      exitCode: exit.code,
      signal: exit.signal,
      timedOut: cause === 'timeout',
      cancelled: cause === 'cancel',
      resourceUsage: { cpu_seconds: round(cpuSeconds, 3), memory_mb_peak: round(peakBytes / MIB, 1) },
    });
  }
}

/** The attempt's env, plus the few orchestrator variables tasks need to find their tools; nothing else leaks. */
function taskEnv(env: Readonly<Record<string, string>>, inherit: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of inherit) {
    const value = process.env[name];
    if (value !== undefined) result[name] = value;
  }
  return Object.assign(result, env);
}

/** Shells that take `-c SCRIPT` and run `echo 0 > FILE` without forking (echo is a builtin). */
const SHELLS = new Set(['sh', 'dash', 'bash', 'ash', 'ksh']);

/**
 * The argv actually spawned. With a cgroup, a shell moves itself in (`echo 0` moves the writer)
 * before the task's first instruction runs; moving the pid after spawn would race with the
 * task's first fork. A `sh -c` task does this in its own shell, the join put on the script's
 * first line so error messages keep their line numbers: one shell per task instead of a wrapper
 * shell that execs a second one. Any other program gets the wrapper, which then execs it.
 * `prlimit --as` comes next when the cgroup cannot hold the memory limit.
 */
function wrapCommand(file: string, args: readonly string[], wrap: { cgroupProcs?: string; asLimit?: number; prlimit?: string }): { file: string; args: string[] } {
  let command = { file, args: [...args] };
  if (wrap.asLimit !== undefined && wrap.prlimit) {
    command = { file: wrap.prlimit, args: [`--as=${Math.floor(wrap.asLimit)}`, '--', command.file, ...command.args] };
  }
  if (!wrap.cgroupProcs) return command;
  const [flag, script, ...rest] = command.args;
  if (command.file === file && flag === '-c' && script !== undefined && SHELLS.has(basename(file))) {
    return { file, args: ['-c', `echo 0 > ${quoteForShell(wrap.cgroupProcs)} || exit; ${script}`, ...rest] };
  }
  return { file: '/bin/sh', args: ['-c', 'echo 0 > "$0" && exec "$@"', wrap.cgroupProcs, command.file, ...command.args] };
}

function quoteForShell(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function resultOf(started: number, fields: Partial<AttemptResult>): AttemptResult {
  return { exitCode: null, signal: null, timedOut: false, cancelled: false, ...fields, durationMs: performance.now() - started };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
