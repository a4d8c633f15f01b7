import { userInfo } from 'node:os';
import { join } from 'node:path';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import type { ResolvedConfig } from '../../config/config.js';
import { launchExecution } from '../../engine/launch-execution.js';
import { retryDefaultsFromConfig } from '../../engine/retry-policy.js';
import { LocalExecutor } from '../../executors/local-executor.js';
import { createExecutorRegistry } from '../../executors/registry.js';
import { parseMemory } from '../../spec/quantities.js';
import type { Pipeline } from '../../spec/schema/pipeline.js';
import { foldExecution } from '../../state/fold.js';
import { openLogStore } from '../../state/open-log-store.js';
import { openStateStore } from '../../state/open-store.js';
import { redactUrl } from '../../validate/connections/redact-url.js';
import { JsonReporter } from '../console/json-reporter.js';
import type { ExecutionReporter } from '../console/reporter.js';
import { createRootLogger, type LogFormat } from '../console/root-logger.js';
import { TextReporter } from '../console/text-reporter.js';
import { useColor } from '../output.js';
import { readSecrets, readVarsFile } from './pipeline-execute-inputs.js';
import { cancelOnSignals, trackProcesses } from './pipeline-execute-signals.js';

/** The flags `pipeline execute` and `run` share: how the execution runs, what it reads, where it is recorded. */
export interface LaunchFlags {
  vars?: string;
  env?: Record<string, string>;
  secretsFile?: string;
  timeout?: number;
  priority: 'low' | 'normal' | 'high' | 'critical';
  traceId?: string;
  logFormat?: LogFormat;
  skipTasks?: string[];
  parallel?: number;
  ds?: string;
  workdir?: string;
  state?: 'file' | 'redis';
  redisUrl?: string;
}

export interface RunRequest {
  flags: LaunchFlags;
  config: ResolvedConfig;
  /** The workspace tasks run from: the repository root, or a checkout of `commitSha`. */
  root: string;
  /** The pipeline file, relative to the root. */
  pipelineFile: string;
  /** `pipelineHash(...)` of the file and everything it references. */
  pipelineHash: string;
  pipeline: Pipeline;
  /** The commit the workspace holds, when it came from Git. */
  commitSha?: string;
  /** The pipeline or its files had uncommitted changes (`--allow-dirty`). */
  dirty?: boolean;
  /** The new execution's id, when the caller named it (a checkout lives under it). */
  executionId?: string;
  /** Continue this execution instead of starting one. */
  resumeId?: string;
  /** The command line that resumes an execution, up to the store flags and `--resume ID`. */
  resumeCommand: string;
}

/** Runs a validated pipeline with the console attached; resolves to the process exit code. */
export async function runPipeline(request: RunRequest): Promise<number> {
  const { flags, config, root, pipeline } = request;
  const format = flags.logFormat ?? (useColor(process.stdout) ? 'colored' : 'text');
  const logger = createRootLogger({ format, level: config['log.level'], stdout: process.stdout, stderr: process.stderr });
  const varsOverrides = flags.vars ? readVarsFile(flags.vars) : {};
  for (const name of Object.keys(varsOverrides)) {
    if (!(name in (pipeline.variables ?? {}))) logger.warn(`--vars ${flags.vars} sets \`${name}\`, which ${pipeline.name} does not declare under \`variables\`; it is ignored`);
  }
  const secrets = readSecrets(process.env, flags.secretsFile);
  const reporter: ExecutionReporter =
    format === 'json' ? new JsonReporter(logger) : new TextReporter({ out: process.stdout, color: format === 'colored', live: process.stdout.isTTY === true, echoOutput: true });
  const backend = { backend: config['state.backend'], workdir: config.workdir, redisUrl: config['state.redis_url'], keyPrefix: config['state.key_prefix'], ttlDays: config['state.ttl_days'] };
  await using store = await openStateStore(backend);
  await using logStore = await openLogStore(backend);
  const artifactStore = new FileArtifactStore({ root: join(config.workdir, 'artifacts'), uploadBase: root });
  const processes = trackProcesses(new LocalExecutor());
  const signals = cancelOnSignals({ pids: () => processes.pids, notice: (message) => reporter.notice(message) });
  try {
    const result = await launchExecution({
      pipeline,
      pipelineFile: request.pipelineFile,
      pipelineHash: request.pipelineHash,
      workspace: root,
      workdir: config.workdir,
      ...(request.commitSha ? { commitSha: request.commitSha } : {}),
      ...(request.dirty ? { dirty: true } : {}),
      ...(request.executionId ? { executionId: request.executionId } : {}),
      ...(request.resumeId ? { resumeId: request.resumeId } : {}),
      trigger: request.resumeId ? 'resume' : 'cli',
      triggeredBy: currentUser(),
      ...(flags.ds ? { ds: flags.ds } : {}),
      overrides: { ...varsOverrides, ...flags.env },
      env: { ...process.env, ...flags.env },
      secrets,
      priority: flags.priority,
      ...(flags.traceId ? { traceId: flags.traceId } : {}),
      ...(flags.timeout !== undefined ? { timeoutSeconds: flags.timeout } : {}),
      skip: new Set(flags.skipTasks ?? []),
      ...(flags.parallel !== undefined ? { maxConcurrent: flags.parallel } : {}),
      retryDefaults: retryDefaultsFromConfig(config),
      capacity: configuredCapacity(config),
      executors: createExecutorRegistry({ local: processes.executor }),
      store,
      logStore,
      artifactStore,
      logger,
      signal: signals.signal,
      onStart: (started) => {
        reporter.start({ executionId: started.executionId, pipeline: pipeline.name, tasks: pipeline.stages.reduce((sum, stage) => sum + stage.tasks.length, 0), ds: started.ds, resumed: started.resumed, succeededBefore: started.succeededBefore });
      },
      onEvents: (events) => reporter.events(events),
      onOutput: (taskId, attempt, line) => reporter.output(taskId, attempt, line),
    });
    const state = foldExecution(await store.read(result.executionId));
    const ledger = config['state.backend'] === 'file' ? join(config.workdir, 'state', 'executions', `${result.executionId}.ndjson`) : `redis ${redactUrl(config['state.redis_url'] ?? '')} (key prefix ${config['state.key_prefix']})`;
    const artifacts = await artifactStore.list({ executionId: result.executionId });
    const storeFlags = [`--workdir ${config.workdir}`, ...(config['state.backend'] === 'redis' ? ['--state redis'] : [])].join(' ');
    reporter.finish({ state, outputDir: result.outputDir, artifacts, ledger, resumeCommand: `${request.resumeCommand} ${storeFlags} --resume ${result.executionId}` });
    if (result.outcome.status === 'succeeded') return 0;
    return result.outcome.status === 'cancelled' && signals.received ? signals.exitCode : 1;
  } finally {
    reporter.close();
    signals.dispose();
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** `executor.local.cpu` and `executor.local.memory` from configuration replace the machine's numbers. */
function configuredCapacity(config: ResolvedConfig): { cpu?: number; memoryBytes?: number } {
  const memory = config['executor.local.memory'] === undefined ? undefined : parseMemory(config['executor.local.memory']);
  return {
    ...(config['executor.local.cpu'] !== undefined ? { cpu: config['executor.local.cpu'] } : {}),
    ...(memory?.ok && memory.value.kind === 'fixed' ? { memoryBytes: memory.value.value } : {}),
  };
}
