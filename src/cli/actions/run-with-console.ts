import { join } from 'node:path';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import type { ResolvedConfig } from '../../config/config.js';
import type { LaunchOptions, LaunchResult } from '../../engine/launch-execution.js';
import { retryDefaultsFromConfig } from '../../engine/retry-policy.js';
import { LocalExecutor } from '../../executors/local-executor.js';
import { createExecutorRegistry } from '../../executors/registry.js';
import { foldExecution } from '../../state/fold.js';
import { openLogStore } from '../../state/open-log-store.js';
import type { StateStore } from '../../state/state-store.js';
import { JsonReporter } from '../console/json-reporter.js';
import type { ExecutionReporter } from '../console/reporter.js';
import { createRootLogger, type LogFormat } from '../console/root-logger.js';
import { TextReporter } from '../console/text-reporter.js';
import { useColor } from '../output.js';
import { currentUser } from './current-user.js';
import { cancelOnSignals, trackProcesses } from './signal-cancellation.js';
import { ledgerLocation, storeBackendOf } from './store-backend.js';
import { primeProcessSupport } from '../../executors/process-support.js';

export interface ConsoleRequest {
  config: ResolvedConfig;
  /** `--log-format`. @defaultValue `colored` on a terminal, else `text` */
  logFormat?: LogFormat;
  /** The workspace tasks run from: artifact paths that tasks upload resolve against it. */
  workspace: string;
  /** The state store the execution is recorded in; the caller opened it and closes it. */
  store: StateStore;
  /** The command line that resumes the execution, up to the store flags and `--resume ID`; without it the summary offers none. */
  resumeCommand?: string;
}

/** What the engine is given for every execution started from the console, whichever command starts it. */
export type ConsoleEngineOptions = Required<Pick<LaunchOptions, 'store' | 'logStore' | 'logger' | 'executors' | 'signal' | 'triggeredBy' | 'retryDefaults' | 'onEvents' | 'onOutput'>> & {
  artifactStore: FileArtifactStore;
};

export interface ConsoleRun {
  result: LaunchResult;
  /** 0 succeeded, 1 failed, 130/143 cancelled by SIGINT/SIGTERM. */
  exitCode: number;
}

/**
 * Runs one execution with the console attached: the root logger and the reporter `--log-format`
 * asks for, the log and artifact stores from configuration, the local executor, SIGINT/SIGTERM
 * cancelling it; once `launch` resolves, the summary as the ledger has it. `launch` starts the
 * execution with the engine options it is given, and may use the reporter for its own lines.
 */
export async function runWithConsole(
  request: ConsoleRequest,
  launch: (engine: ConsoleEngineOptions, reporter: ExecutionReporter) => Promise<LaunchResult>,
): Promise<ConsoleRun> {
  const { config, store } = request;
  const format = request.logFormat ?? (useColor(process.stdout) ? 'colored' : 'text');
  const logger = createRootLogger({ format, level: config['log.level'], stdout: process.stdout, stderr: process.stderr });
  const reporter: ExecutionReporter =
    format === 'json' ? new JsonReporter(logger) : new TextReporter({ out: process.stdout, color: format === 'colored', live: process.stdout.isTTY === true, echoOutput: true });
  await using logStore = await openLogStore(storeBackendOf(config));
  const artifactStore = new FileArtifactStore({ root: join(config.workdir, 'artifacts'), uploadBase: request.workspace });
  // What the command started probing at its beginning, if it did; else the probe runs now.
  await primeProcessSupport();
  const processes = trackProcesses(new LocalExecutor());
  const signals = cancelOnSignals({ pids: () => processes.pids, notice: (message) => reporter.notice(message) });
  try {
    const result = await launch(
      {
        store,
        logStore,
        artifactStore,
        logger,
        executors: createExecutorRegistry({ local: processes.executor }),
        signal: signals.signal,
        triggeredBy: currentUser(),
        retryDefaults: retryDefaultsFromConfig(config),
        onEvents: (events) => reporter.events(events),
        onOutput: (taskId, attempt, line) => reporter.output(taskId, attempt, line),
      },
      reporter,
    );
    const { executionId } = result;
    const storeFlags = [`--workdir ${config.workdir}`, ...(config['state.backend'] === 'redis' ? ['--state redis'] : [])].join(' ');
    reporter.finish({
      state: foldExecution(await store.read(executionId)),
      outputDir: result.outputDir,
      artifacts: await artifactStore.list({ executionId }),
      ledger: ledgerLocation(config, executionId),
      ...(request.resumeCommand ? { resumeCommand: `${request.resumeCommand} ${storeFlags} --resume ${executionId}` } : {}),
    });
    const cancelledBySignal = result.outcome.status === 'cancelled' && signals.received;
    return { result, exitCode: result.outcome.status === 'succeeded' ? 0 : cancelledBySignal ? signals.exitCode : 1 };
  } finally {
    reporter.close();
    signals.dispose();
  }
}
