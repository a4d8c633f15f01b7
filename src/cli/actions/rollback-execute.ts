import { join } from 'node:path';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import { UsageError } from '../../errors.js';
import { findPipelineVersion } from '../../gitops/find-pipeline.js';
import type { Source } from '../../gitops/source.js';
import { estimateRollback } from '../../rollback/estimate-rollback.js';
import { planRollback, type RollbackPlan } from '../../rollback/plan-rollback.js';
import { resolveRollbackTarget, type RollbackTarget } from '../../rollback/resolve-target.js';
import { readPipelineAt, type PipelineAtCommit } from '../../rollback/task-versions.js';
import { didYouMean } from '../../validate/suggest.js';
import { openLedger } from './open-ledger.js';
import type { RollbackFlags } from './rollback-flags.js';
import { rollbackPlanJson, rollbackPlanText } from './rollback-plan-text.js';
import { runRollbackWithConsole } from './rollback-run.js';
import { startRollbackWorkspace } from './rollback-workspace.js';
import { checkNotifyUrl } from '../../rollback/notify-rollback.js';
import { startProbingProcessSupport } from './process-support-probe.js';

const FULL_SHA = /^[0-9a-f]{40}$/;

/** `rollback execute`: resolves the target, plans what to restore and re-run, then prints the plan (--dry-run) or runs it; resolves to the exit code. */
export async function rollbackExecution(flags: RollbackFlags): Promise<number> {
  if (flags.includeArtifacts && flags.strategy === 'revert') throw new UsageError('--strategy revert runs every task from scratch and restores nothing; use --strategy checkpoint to reuse artifacts');
  const notifyUrl = flags.notify === undefined ? undefined : checkNotifyUrl(flags.notify);
  if (!flags.dryRun) startProbingProcessSupport();
  await using opened = await openLedger(flags);
  const { config, source, store, ledger } = opened;
  // Recorded and deployed commits are pinned in the mirror (or fetched by SHA when missing): only a name needs the remote's latest.
  if (flags.toSha !== undefined && !FULL_SHA.test(flags.toSha)) await source.fetch();
  const target = await resolveRollbackTarget(
    { store, source, deployments: () => ledger.state() },
    { executionId: flags.executionId, strategy: flags.strategy, ...targetFlags(flags) },
  );
  await Promise.all([target.sha, target.source?.sha].map((sha) => sha && source.resolve(sha)));
  refuseUnlessForced(target, flags.force === true);
  const prepared = flags.dryRun ? undefined : startRollbackWorkspace(config.workdir, source, target.sha);
  const planned = await planTarget(config.workdir, source, target, flags).catch(async (error: unknown) => {
    // Nothing has run in the workspace yet: a rollback that cannot be planned leaves nothing behind.
    await prepared?.discard();
    throw error;
  });
  const { targetAt, plan } = planned;
  if (!prepared) {
    const estimate = await estimateRollback(store, targetAt.pipeline, plan);
    process.stdout.write(flags.format === 'json' ? `${JSON.stringify(rollbackPlanJson(target, plan, estimate), null, 2)}\n` : rollbackPlanText(target, plan, estimate));
    return 0;
  }
  return await runRollbackWithConsole({ flags, config, store, target, targetAt, plan, prepared, ...(notifyUrl ? { notifyUrl } : {}) });
}

/** The pipeline at the target and, from the commit and artifacts of the execution restored from, what to restore and what to re-run. */
async function planTarget(workdir: string, source: Source, target: RollbackTarget, flags: RollbackFlags): Promise<{ targetAt: PipelineAtCommit; plan: RollbackPlan }> {
  const read = readingOnce(source);
  const [targetAt, sourceAt] = await Promise.all([
    pipelineAtTarget(source, read, target, flags.pipelinesDir),
    target.source ? read(target.source.sha, target.source.created.pipeline_file) : undefined,
  ]);
  const artifactStore = new FileArtifactStore({ root: join(workdir, 'artifacts') });
  const plan = planRollback({
    strategy: flags.strategy,
    target: targetAt,
    ...(target.source && sourceAt ? { source: { executionId: target.source.executionId, at: sourceAt, state: target.source.state, artifacts: await artifactStore.list({ executionId: target.source.executionId }) } } : {}),
    ...stageOption(flags, target, targetAt),
  });
  return { targetAt, plan };
}

/** The one target flag given, without the absent ones. */
function targetFlags(flags: RollbackFlags) {
  return {
    ...(flags.toExecutionId !== undefined ? { toExecutionId: flags.toExecutionId } : {}),
    ...(flags.toSha !== undefined ? { toSha: flags.toSha } : {}),
    ...(flags.toTimestamp !== undefined ? { toTimestamp: flags.toTimestamp } : {}),
  };
}

/** A rollback of work still in flight, or onto a target that itself failed, is a decision to make on purpose. */
function refuseUnlessForced(target: RollbackTarget, force: boolean): void {
  if (force) return;
  const { rolledBack, source } = target;
  if (rolledBack.state.status === 'running') {
    throw new UsageError(`Execution ${rolledBack.executionId} is still ${rolledBack.state.status}; wait for it to finish (or cancel it), or pass --force to roll back anyway`);
  }
  if (source && source !== rolledBack && source.state.status !== 'succeeded') {
    throw new UsageError(`Target execution ${source.executionId} ended ${source.state.status}, so only part of its work can be restored; pick a succeeded one (\`orchestrate history list --status succeeded\`) or pass --force`);
  }
}

type ReadPipelineAt = (sha: string, file: string) => Promise<PipelineAtCommit>;

/**
 * `readPipelineAt`, once per commit and file: a rollback to the commit its source execution ran
 * (`--to-sha` of a good run) asks for the same file at the same commit twice.
 */
function readingOnce(source: Source): ReadPipelineAt {
  const reads = new Map<string, Promise<PipelineAtCommit>>();
  return (sha, file) => {
    const key = `${sha}\u0000${file}`;
    const read = reads.get(key) ?? readPipelineAt(source, sha, file);
    reads.set(key, read);
    return read;
  };
}

/** The pipeline where the rolled-back execution recorded it, or wherever a file of that name lives at the target. */
async function pipelineAtTarget(source: Source, read: ReadPipelineAt, target: RollbackTarget, pipelinesDir: string): Promise<PipelineAtCommit> {
  const { created } = target.rolledBack;
  const recorded = await read(target.sha, created.pipeline_file).catch(() => undefined);
  if (recorded && recorded.pipeline.name === created.pipeline) return recorded;
  const version = await findPipelineVersion(source, target.sha, created.pipeline, pipelinesDir);
  return read(target.sha, version.file);
}

function stageOption(flags: RollbackFlags, target: RollbackTarget, targetAt: PipelineAtCommit): { fromStage?: string } {
  const stage = flags.stage ?? flags.toStage;
  const names = targetAt.pipeline.stages.map((entry) => entry.name);
  if (stage !== undefined) {
    if (!names.includes(stage)) throw new UsageError(`--stage \`${stage}\` is not a stage of ${targetAt.pipeline.name} at ${target.sha.slice(0, 12)} (stages: ${names.join(', ')})${didYouMean(stage, names)}`);
    return { fromStage: stage };
  }
  if (flags.strategy !== 'restart') return {};
  const state = (target.source ?? target.rolledBack).state;
  const first = state.stages.find((entry) => entry.status !== 'succeeded' && names.includes(entry.name));
  if (!first) throw new UsageError(`Every stage of execution ${state.execution_id} succeeded; name the stage to restart from with --stage (stages: ${names.join(', ')})`);
  return { fromStage: first.name };
}
