import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import type { ResolvedConfig } from '../../config/config.js';
import { retryDefaultsFromConfig } from '../../engine/retry-policy.js';
import type { GitSource } from '../../gitops/git-source.js';
import { notifyRollback } from '../../rollback/notify-rollback.js';
import type { RollbackPlan } from '../../rollback/plan-rollback.js';
import type { RollbackTarget } from '../../rollback/resolve-target.js';
import { runRollback } from '../../rollback/run-rollback.js';
import type { PipelineAtCommit } from '../../rollback/task-versions.js';
import { pipelineHash } from '../../spec/pipeline-hash.js';
import { foldExecution } from '../../state/fold.js';
import { openLogStore } from '../../state/open-log-store.js';
import type { StateStore } from '../../state/state-store.js';
import { redactUrl } from '../../validate/connections/redact-url.js';
import { validateFiles } from '../../validate/validate-files.js';
import { formatHuman } from '../../validate/report/human.js';
import { formatBytes } from '../console/describe-event.js';
import { JsonReporter } from '../console/json-reporter.js';
import type { ExecutionReporter } from '../console/reporter.js';
import { createRootLogger } from '../console/root-logger.js';
import { TextReporter } from '../console/text-reporter.js';
import { useColor } from '../output.js';
import { readSecrets } from './pipeline-execute-inputs.js';
import { cancelOnSignals, trackProcesses } from './pipeline-execute-signals.js';
import { LocalExecutor } from '../../executors/local-executor.js';
import { createExecutorRegistry } from '../../executors/registry.js';
import type { RollbackFlags } from './rollback-flags.js';

export interface RollbackRunRequest {
  flags: RollbackFlags;
  config: ResolvedConfig;
  source: GitSource;
  store: StateStore;
  target: RollbackTarget;
  targetAt: PipelineAtCommit;
  plan: RollbackPlan;
  notifyUrl?: URL;
}

/** Checks the target commit out into the new execution's own workspace and runs the plan with the console attached. */
export async function runRollbackWithConsole(request: RollbackRunRequest): Promise<number> {
  const { flags, config, source, store, target, targetAt, plan } = request;
  const executionId = randomUUID();
  const workspace = join(config.workdir, 'executions', executionId, 'workspace');
  await source.checkout(target.sha, workspace);
  const report = await validateFiles({ paths: [join(workspace, targetAt.file)], strict: false, root: workspace });
  const pipeline = report.files[0]?.pipeline;
  if (report.findings.length > 0 || !pipeline) process.stderr.write(formatHuman(report, { color: useColor(process.stderr) }));
  if (!report.valid || !pipeline) return 1;

  const format = flags.logFormat ?? (useColor(process.stdout) ? 'colored' : 'text');
  const logger = createRootLogger({ format, level: config['log.level'], stdout: process.stdout, stderr: process.stderr });
  const reporter: ExecutionReporter =
    format === 'json' ? new JsonReporter(logger) : new TextReporter({ out: process.stdout, color: format === 'colored', live: process.stdout.isTTY === true, echoOutput: true });
  const backend = { backend: config['state.backend'], workdir: config.workdir, redisUrl: config['state.redis_url'], keyPrefix: config['state.key_prefix'], ttlDays: config['state.ttl_days'] };
  await using logStore = await openLogStore(backend);
  const artifactStore = new FileArtifactStore({ root: join(config.workdir, 'artifacts'), uploadBase: workspace });
  const processes = trackProcesses(new LocalExecutor());
  const signals = cancelOnSignals({ pids: () => processes.pids, notice: (message) => reporter.notice(message) });
  const tasks = pipeline.stages.reduce((sum, stage) => sum + stage.tasks.length, 0);
  reporter.start({ executionId, pipeline: pipeline.name, tasks, ds: target.ds, resumed: false, succeededBefore: plan.restored.length });
  reporter.notice(`Rolling back execution ${target.rolledBack.executionId} (strategy ${plan.strategy}) at ${target.sha.slice(0, 12)}: ${target.chosenBy}`);
  for (const task of plan.restored) {
    const bytes = task.artifacts.reduce((sum, artifact) => sum + artifact.sizeBytes, 0);
    reporter.notice(`${task.task} restored from execution ${target.source?.executionId} (${task.artifacts.length} artifact${task.artifacts.length === 1 ? '' : 's'}, ${formatBytes(bytes)})`);
  }
  try {
    const result = await runRollback({
      executionId,
      rollbackOf: target.rolledBack.executionId,
      plan,
      ...(target.source ? { source: target.source.state } : {}),
      verify: flags.verify === true,
      pipeline,
      pipelineFile: targetAt.file,
      pipelineHash: pipelineHash(join(workspace, targetAt.file), pipeline, workspace),
      workspace,
      workdir: config.workdir,
      commitSha: target.sha,
      triggeredBy: currentUser(),
      ds: target.ds,
      overrides: target.variables,
      env: process.env,
      secrets: readSecrets(process.env),
      ...(flags.parallel !== undefined ? { maxConcurrent: flags.parallel } : {}),
      retryDefaults: retryDefaultsFromConfig(config),
      executors: createExecutorRegistry({ local: processes.executor }),
      store,
      logStore,
      artifactStore,
      logger,
      signal: signals.signal,
      onEvents: (events) => reporter.events(events),
      onOutput: (taskId, attempt, line) => reporter.output(taskId, attempt, line),
    });
    const state = foldExecution(await store.read(executionId));
    const ledger = config['state.backend'] === 'file' ? join(config.workdir, 'state', 'executions', `${executionId}.ndjson`) : `redis ${redactUrl(config['state.redis_url'] ?? '')} (key prefix ${config['state.key_prefix']})`;
    reporter.finish({ state, outputDir: result.outputDir, artifacts: await artifactStore.list({ executionId }), ledger });
    if (request.notifyUrl) {
      const delivery = await notifyRollback(request.notifyUrl, {
        event: 'rollback.completed',
        execution_id: executionId,
        rollback_of: target.rolledBack.executionId,
        pipeline: pipeline.name,
        strategy: plan.strategy,
        status: result.outcome.status,
        reason: result.outcome.reason ?? null,
        commit_sha: target.sha,
        restored_from: target.source?.executionId ?? null,
        restored: plan.restored.map((task) => task.task),
        rerun: plan.rerun.map((task) => task.task),
      });
      if (!delivery.delivered) process.stderr.write(`warning: --notify ${redactUrl(request.notifyUrl.href)} was not delivered: ${delivery.failure ?? 'no response'}\n`);
    }
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
