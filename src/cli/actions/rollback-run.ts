import { resolve } from 'node:path';
import type { ResolvedConfig } from '../../config/config.js';
import type { LaunchResult } from '../../engine/launch-execution.js';
import { notifyRollback } from '../../rollback/notify-rollback.js';
import type { RollbackPlan } from '../../rollback/plan-rollback.js';
import type { RollbackTarget } from '../../rollback/resolve-target.js';
import { runRollback } from '../../rollback/run-rollback.js';
import type { PipelineAtCommit } from '../../rollback/task-versions.js';
import { pipelineHash } from '../../spec/pipeline-hash.js';
import type { StateStore } from '../../state/state-store.js';
import { redactUrl } from '../../validate/connections/redact-url.js';
import { validateFiles } from '../../validate/validate-files.js';
import { formatHuman } from '../../validate/report/human.js';
import { formatBytes } from '../console/describe-event.js';
import { useColor } from '../output.js';
import { readSecrets } from './pipeline-execute-inputs.js';
import type { RollbackFlags } from './rollback-flags.js';
import type { RollbackWorkspace } from './rollback-workspace.js';
import { runWithConsole } from './run-with-console.js';

export interface RollbackRunRequest {
  flags: RollbackFlags;
  config: ResolvedConfig;
  store: StateStore;
  /** The execution's id and the workspace its target tree is being checked out into. */
  prepared: RollbackWorkspace;
  target: RollbackTarget;
  targetAt: PipelineAtCommit;
  plan: RollbackPlan;
  notifyUrl?: URL;
}

/** Once the target commit is checked out into the new execution's own workspace, runs the plan with the console attached. */
export async function runRollbackWithConsole(request: RollbackRunRequest): Promise<number> {
  const { flags, config, store, target, targetAt, plan } = request;
  const { executionId, workspace } = request.prepared;
  await request.prepared.ready;
  // Absolute, as validateFiles names the files it finds: the parse it is handed is looked up by that name.
  const file = resolve(workspace, targetAt.file);
  const report = await validateFiles({ paths: [file], strict: false, root: workspace, parsed: new Map([[file, targetAt.parsed]]) });
  const pipeline = report.files[0]?.pipeline;
  if (report.findings.length > 0 || !pipeline) process.stderr.write(formatHuman(report, { color: useColor(process.stderr) }));
  if (!report.valid || !pipeline) return 1;

  const run = await runWithConsole({ config, logFormat: flags.logFormat, workspace, store }, (engine, reporter) => {
    const tasks = pipeline.stages.reduce((sum, stage) => sum + stage.tasks.length, 0);
    reporter.start({ executionId, pipeline: pipeline.name, tasks, ds: target.ds, resumed: false, succeededBefore: plan.restored.length });
    reporter.notice(`Rolling back execution ${target.rolledBack.executionId} (strategy ${plan.strategy}) at ${target.sha.slice(0, 12)}: ${target.chosenBy}`);
    for (const task of plan.restored) {
      const bytes = task.artifacts.reduce((sum, artifact) => sum + artifact.sizeBytes, 0);
      reporter.notice(`${task.task} restored from execution ${target.source?.executionId} (${task.artifacts.length} artifact${task.artifacts.length === 1 ? '' : 's'}, ${formatBytes(bytes)})`);
    }
    return runRollback({
      ...engine,
      executionId,
      rollbackOf: target.rolledBack.executionId,
      plan,
      ...(target.source ? { source: target.source.state } : {}),
      verify: flags.verify === true,
      pipeline,
      pipelineFile: targetAt.file,
      pipelineHash: pipelineHash(file, pipeline, workspace),
      workspace,
      workdir: config.workdir,
      commitSha: target.sha,
      ds: target.ds,
      overrides: target.variables,
      env: process.env,
      secrets: readSecrets(process.env),
      ...(flags.parallel !== undefined ? { maxConcurrent: flags.parallel } : {}),
    });
  });
  if (request.notifyUrl) await notifyCompleted(request.notifyUrl, request, pipeline.name, run.result);
  return run.exitCode;
}

/** `--notify URL`: the rollback's outcome, POSTed once when it is over; a failed delivery is a warning, not the rollback's failure. */
async function notifyCompleted(url: URL, request: RollbackRunRequest, pipeline: string, result: LaunchResult): Promise<void> {
  const { target, plan } = request;
  const delivery = await notifyRollback(url, {
    event: 'rollback.completed',
    execution_id: result.executionId,
    rollback_of: target.rolledBack.executionId,
    pipeline,
    strategy: plan.strategy,
    status: result.outcome.status,
    reason: result.outcome.reason ?? null,
    commit_sha: target.sha,
    restored_from: target.source?.executionId ?? null,
    restored: plan.restored.map((task) => task.task),
    rerun: plan.rerun.map((task) => task.task),
  });
  if (!delivery.delivered) process.stderr.write(`warning: --notify ${redactUrl(url.href)} was not delivered: ${delivery.failure ?? 'no response'}\n`);
}
