import type { AttemptResult, AttemptSpec, Executor, OutputLine, RunningAttempt } from './executor.js';
import { runHttpAttempt } from './http-attempt.js';
import { LocalProcessRunner, PROCESS_RUNNER_DEFAULTS, type ProcessRunnerOptions } from './local-process.js';
import type { ProcessSupport } from './process-support.js';
import { runSqlAttempt } from './sql-attempt.js';

export interface LocalExecutorOptions extends ProcessRunnerOptions {
  /** Most response bytes an `http` task shows in its output. @defaultValue 16384 */
  maxHttpBodyBytes?: number;
}

/** The task types the local executor runs. */
export const LOCAL_TASK_TYPES = ['shell', 'python_script', 'node_script', 'spark_job', 'noop', 'http', 'sql_script'] as const;
export type LocalTaskType = (typeof LOCAL_TASK_TYPES)[number];

/** Start errors for a missing interpreter, where there is more to say than "not on PATH". */
const MISSING_PROGRAM: Partial<Record<LocalTaskType, string>> = {
  python_script: 'python3 is not on PATH; install Python 3 or set PATH in the task\'s env',
  node_script: 'node is not on PATH; install Node.js or set PATH in the task\'s env',
  spark_job: 'spark-submit is not on PATH; install Spark or run spark_job tasks with another executor',
};

/**
 * Runs attempts on this machine: process types through `LocalProcessRunner` with the argv the
 * caller spelled out (`sh -c`, `python3 script`, `node script`, `spark-submit …`), and `noop`,
 * `http` and `sql_script` inside the orchestrator, with no process.
 */
export class LocalExecutor implements Executor {
  readonly name = 'local';
  readonly #runner: LocalProcessRunner;
  readonly #options: Required<Pick<LocalExecutorOptions, 'maxHttpBodyBytes' | 'maxLineBytes' | 'killGraceMs'>>;

  constructor(options: LocalExecutorOptions = {}) {
    this.#runner = new LocalProcessRunner(options);
    this.#options = {
      maxHttpBodyBytes: options.maxHttpBodyBytes ?? 16 * 1024,
      maxLineBytes: options.maxLineBytes ?? PROCESS_RUNNER_DEFAULTS.maxLineBytes,
      killGraceMs: options.killGraceMs ?? PROCESS_RUNNER_DEFAULTS.killGraceMs,
    };
  }

  /** What this machine offers for limits and measurement (cgroup v2, prlimit), probed once. */
  get support(): ProcessSupport {
    return this.#runner.support;
  }

  start(attempt: AttemptSpec, io: { signal: AbortSignal; onLine: (line: OutputLine) => void }): RunningAttempt {
    const type = attempt.type as LocalTaskType;
    switch (type) {
      case 'noop':
        return settled(io.signal.aborted ? { cancelled: true } : { exitCode: 0 });
      case 'http':
        return runHttpAttempt(attempt, io, { maxLineBytes: this.#options.maxLineBytes, maxBodyBytes: this.#options.maxHttpBodyBytes });
      case 'sql_script':
        return runSqlAttempt(attempt, io, { maxLineBytes: this.#options.maxLineBytes, killGraceMs: this.#options.killGraceMs });
      case 'shell':
      case 'python_script':
      case 'node_script':
      case 'spark_job':
        if (!attempt.command?.length) return settled({ startError: `The \`${type}\` task \`${attempt.taskId}\` has no command: the engine must spell out its argv` });
        // Object.assign: V8 extends a `{ ...attempt }` copy slowly, and this runs per attempt.
        return this.#runner.run(Object.assign({}, attempt, { argv: attempt.command }), io, MISSING_PROGRAM[type]);
      default:
        return settled({ startError: `The local executor cannot run \`${String(type)}\` tasks; it runs ${LOCAL_TASK_TYPES.join(', ')}` });
    }
  }
}

function settled(fields: Partial<AttemptResult>): RunningAttempt {
  return { result: Promise.resolve({ exitCode: null, signal: null, timedOut: false, cancelled: false, durationMs: 0, ...fields }) };
}
