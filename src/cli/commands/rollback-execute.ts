import { join } from 'node:path';
import { Command, Option } from 'commander';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import { UsageError } from '../../errors.js';
import { findPipelineVersion } from '../../gitops/find-pipeline.js';
import type { Source } from '../../gitops/source.js';
import { estimateRollback } from '../../rollback/estimate-rollback.js';
import { planRollback } from '../../rollback/plan-rollback.js';
import { resolveRollbackTarget, type RollbackTarget } from '../../rollback/resolve-target.js';
import { readPipelineAt, type PipelineAtCommit } from '../../rollback/task-versions.js';
import { didYouMean } from '../../validate/suggest.js';
import { positiveInteger } from '../options.js';
import { addLedgerOptions, openLedger } from './controller-setup.js';
import type { RollbackFlags } from './rollback-flags.js';
import { rollbackPlanJson, rollbackPlanText } from './rollback-plan-text.js';
import { runRollbackWithConsole } from './rollback-run.js';
import { checkNotifyUrl } from '../../rollback/notify-rollback.js';

const FULL_SHA = /^[0-9a-f]{40}$/;

export function rollbackExecuteCommand(): Command {
  const command = new Command('execute')
    .description('Roll an execution back as a new execution pinned to an earlier commit, restoring the artifacts of tasks that would do the same work; history is never edited.')
    .requiredOption('--execution-id <uuid>', 'the execution to roll back (left as it is)')
    .option('--to-execution-id <uuid>', 'go back to the commit and artifacts of this execution')
    .option('--to-sha <ref>', 'go back to this commit (branch, tag or SHA)')
    .option('--to-timestamp <datetime>', 'go back to the commit of the deployment active at this time (ISO 8601)', parseTimestamp)
    .addOption(new Option('--strategy <strategy>', 'checkpoint: restore unchanged tasks, run the rest; restart: re-run from --stage on; revert: run everything').choices(['checkpoint', 'restart', 'revert']).default('checkpoint'))
    .option('--stage <name>', 'run this stage and every later one again (restart: default the first stage that did not succeed)')
    .addOption(new Option('--to-stage <name>', 'the same as --stage').hideHelp())
    .option('--include-artifacts', 'restore the stored artifacts of kept tasks (what checkpoint and restart always do)')
    .option('--verify', 'check every restored artifact\'s sha256 against the ledger before running anything')
    .option('--dry-run', 'print the plan (tasks restored with their artifacts and sizes, tasks re-run, estimated time) and change nothing')
    .option('--force', 'roll back even when the execution is still running or the target execution did not succeed')
    .option('--notify <url>', 'POST a JSON notice here when the rollback has finished')
    .option('--pipelines-dir <dir>', 'where pipeline files live in the repository', 'pipelines')
    .addOption(new Option('--format <format>', 'plan format for --dry-run').choices(['text', 'json']).default('text'))
    .addOption(new Option('--log-format <format>', 'console output (default: text, coloured on a terminal)').choices(['json', 'text', 'colored']))
    .option('--parallel <n>', 'run at most N tasks at once', positiveInteger);
  return addLedgerOptions(command, 'the repository the execution ran from (default: the one the running controller tracks)')
    .addHelpText('after', `
Exit codes: 0 the rollback execution succeeded (or the dry run was printed), 1 it failed,
2 usage error (unknown execution, no target, a running execution without --force).

Examples:
  orchestrate rollback execute --repo . --execution-id abc123 --to-sha v1.4.0 --dry-run
  orchestrate rollback execute --repo . --execution-id abc123 --to-execution-id xyz789 --verify --force
  orchestrate rollback execute --repo . --execution-id abc123 --strategy restart --stage validate`)
    .action(async (flags: RollbackFlags) => {
      process.exitCode = await rollbackExecution(flags);
    });
}

async function rollbackExecution(flags: RollbackFlags): Promise<number> {
  if (flags.includeArtifacts && flags.strategy === 'revert') throw new UsageError('--strategy revert runs every task from scratch and restores nothing; use --strategy checkpoint to reuse artifacts');
  const notifyUrl = flags.notify === undefined ? undefined : checkNotifyUrl(flags.notify);
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
  const [targetAt, sourceAt] = await Promise.all([
    pipelineAtTarget(source, target, flags.pipelinesDir),
    target.source ? readPipelineAt(source, target.source.sha, target.source.created.pipeline_file) : undefined,
  ]);
  const artifactStore = new FileArtifactStore({ root: join(config.workdir, 'artifacts') });
  const plan = planRollback({
    strategy: flags.strategy,
    target: targetAt,
    ...(target.source && sourceAt ? { source: { executionId: target.source.executionId, at: sourceAt, state: target.source.state, artifacts: await artifactStore.list({ executionId: target.source.executionId }) } } : {}),
    ...stageOption(flags, target, targetAt),
  });
  if (flags.dryRun) {
    const estimate = await estimateRollback(store, targetAt.pipeline, plan);
    process.stdout.write(flags.format === 'json' ? `${JSON.stringify(rollbackPlanJson(target, plan, estimate), null, 2)}\n` : rollbackPlanText(target, plan, estimate));
    return 0;
  }
  return await runRollbackWithConsole({ flags, config, source, store, target, targetAt, plan, ...(notifyUrl ? { notifyUrl } : {}) });
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

/** The pipeline where the rolled-back execution recorded it, or wherever a file of that name lives at the target. */
async function pipelineAtTarget(source: Source, target: RollbackTarget, pipelinesDir: string): Promise<PipelineAtCommit> {
  const { created } = target.rolledBack;
  const recorded = await readPipelineAt(source, target.sha, created.pipeline_file).catch(() => undefined);
  if (recorded && recorded.pipeline.name === created.pipeline) return recorded;
  const version = await findPipelineVersion(source, target.sha, created.pipeline, pipelinesDir);
  return readPipelineAt(source, target.sha, version.file);
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

function parseTimestamp(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new UsageError(`--to-timestamp \`${value}\` is not a date and time; use ISO 8601, e.g. 2024-01-15T14:30:00Z`);
  return at;
}
