import type { ResolvedConfig } from '../../config/config.js';
import { launchExecution } from '../../engine/launch-execution.js';
import { parseMemory } from '../../spec/quantities.js';
import type { Pipeline } from '../../spec/schema/pipeline.js';
import { openStateStore } from '../../state/open-store.js';
import type { LogFormat } from '../console/root-logger.js';
import { readSecrets, readVarsFile } from './pipeline-execute-inputs.js';
import { runWithConsole } from './run-with-console.js';
import { storeBackendOf } from './store-backend.js';

/** The flags `pipeline execute` and `run` share (commands/launch-options.ts): how the execution runs, what it reads, where it is recorded. */
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
  const varsOverrides = flags.vars ? readVarsFile(flags.vars) : {};
  const secrets = readSecrets(process.env, flags.secretsFile);
  await using store = await openStateStore(storeBackendOf(config));
  const run = await runWithConsole({ config, logFormat: flags.logFormat, workspace: root, store, resumeCommand: request.resumeCommand }, (engine, reporter) => {
    for (const name of Object.keys(varsOverrides)) {
      if (!(name in (pipeline.variables ?? {}))) engine.logger.warn(`--vars ${flags.vars} sets \`${name}\`, which ${pipeline.name} does not declare under \`variables\`; it is ignored`);
    }
    return launchExecution({
      ...engine,
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
      ...(flags.ds ? { ds: flags.ds } : {}),
      overrides: { ...varsOverrides, ...flags.env },
      env: { ...process.env, ...flags.env },
      secrets,
      priority: flags.priority,
      ...(flags.traceId ? { traceId: flags.traceId } : {}),
      ...(flags.timeout !== undefined ? { timeoutSeconds: flags.timeout } : {}),
      skip: new Set(flags.skipTasks ?? []),
      ...(flags.parallel !== undefined ? { maxConcurrent: flags.parallel } : {}),
      capacity: configuredCapacity(config),
      onStart: (started) => {
        reporter.start({ executionId: started.executionId, pipeline: pipeline.name, tasks: pipeline.stages.reduce((sum, stage) => sum + stage.tasks.length, 0), ds: started.ds, resumed: started.resumed, succeededBefore: started.succeededBefore });
      },
    });
  });
  return run.exitCode;
}

/** `executor.local.cpu` and `executor.local.memory` from configuration replace the machine's numbers. */
function configuredCapacity(config: ResolvedConfig): { cpu?: number; memoryBytes?: number } {
  const memory = config['executor.local.memory'] === undefined ? undefined : parseMemory(config['executor.local.memory']);
  return {
    ...(config['executor.local.cpu'] !== undefined ? { cpu: config['executor.local.cpu'] } : {}),
    ...(memory?.ok && memory.value.kind === 'fixed' ? { memoryBytes: memory.value.value } : {}),
  };
}
