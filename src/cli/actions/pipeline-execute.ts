import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { resolveConfig } from '../../config/resolve-config.js';
import { planExecution } from '../../dag/execution-plan.js';
import { SpecError } from '../../errors.js';
import { readWorkTreeStatus } from '../../gitops/work-tree-status.js';
import { pipelineHash } from '../../spec/pipeline-hash.js';
import { referencedFiles } from '../../spec/referenced-files.js';
import type { Pipeline } from '../../spec/schema/pipeline.js';
import { openStateStore } from '../../state/open-store.js';
import { validateFiles } from '../../validate/validate-files.js';
import { formatHuman } from '../../validate/report/human.js';
import { estimateDuration } from '../console/estimate-duration.js';
import { useColor } from '../output.js';
import { formatPlan } from '../format-plan.js';
import { runPipeline, type LaunchFlags } from './pipeline-execute-run.js';
import { storeBackendOf } from './store-backend.js';
import { startProbingProcessSupport } from './process-support-probe.js';

interface ExecuteFlags extends LaunchFlags {
  pipeline: string;
  repo?: string;
  dryRun?: boolean;
  resume?: string;
  allowDirty?: boolean;
  format: 'text' | 'json';
}

/** `pipeline execute`: validates the file, then runs it pinned to HEAD (or prints the plan with --dry-run); sets the exit code. */
export async function executePipeline(flags: ExecuteFlags): Promise<void> {
  const { config } = resolveConfig({ flags: { workdir: flags.workdir, 'state.backend': flags.state, 'state.redis_url': flags.redisUrl, ...(flags.dryRun ? { dry_run: true } : {}) } });
  if (!config.dry_run) startProbingProcessSupport();
  const report = await validateFiles({ paths: [flags.pipeline], strict: false, root: flags.repo });
  const file = report.files[0];
  const pipeline = file?.pipeline;
  if (report.findings.length > 0 || !pipeline) process.stderr.write(formatHuman(report, { color: useColor(process.stderr) }));
  if (!report.valid || !file || !pipeline) {
    process.exitCode = 1;
    return;
  }
  if (!config.dry_run) {
    const commit = flags.resume ? {} : await commitOf(report.root, file.file, pipeline, flags.allowDirty === true);
    process.exitCode = await runPipeline({
      flags,
      config,
      root: report.root,
      pipelineFile: file.uri,
      pipelineHash: pipelineHash(file.file, pipeline, report.root),
      pipeline,
      ...commit,
      ...(flags.resume ? { resumeId: flags.resume } : {}),
      resumeCommand: `orchestrate pipeline execute --repo ${report.root} --pipeline ${file.file}`,
    });
    return;
  }
  const plan = planExecution(pipeline, { skip: new Set(flags.skipTasks ?? []) });
  const estimate = await historyEstimate(config, pipeline.name);
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify({ ...plan, estimated_duration_seconds: estimate?.seconds ?? null }, null, 2)}\n` : formatPlan(plan, estimate));
}

/**
 * Inside a Git work tree an execution records HEAD's SHA, which pins its code only when the
 * pipeline and every file it references are committed as they are; otherwise it refuses, or with
 * `--allow-dirty` runs marked dirty. A resume skips this: the version hash already pins it.
 */
async function commitOf(root: string, file: string, pipeline: Pipeline, allowDirty: boolean): Promise<{ commitSha?: string; dirty?: boolean }> {
  const status = await readWorkTreeStatus(root, [relative(root, file), ...referencedFiles(pipeline)]);
  if (!status) return {};
  const sha = status.sha ? { commitSha: status.sha } : {};
  if (status.dirty.length === 0) return sha;
  if (allowDirty) return { ...sha, dirty: true };
  const files = status.dirty.map((path) => `  ${relative(process.cwd(), resolve(status.top, path)) || path}`).join('\n');
  throw new SpecError(`${pipeline.name} has uncommitted changes in the Git work tree ${status.top}, so HEAD${status.sha ? ` (${status.sha.slice(0, 12)})` : ''} would not pin what runs:\n${files}\nCommit them, or pass --allow-dirty to run anyway (the execution is recorded as dirty).`);
}

/** A dry run only reads history that exists: it never creates a work directory. */
async function historyEstimate(config: ReturnType<typeof resolveConfig>['config'], pipeline: string) {
  if (config['state.backend'] === 'file' && !existsSync(join(config.workdir, 'state'))) return undefined;
  await using store = await openStateStore(storeBackendOf(config));
  return await estimateDuration(store, pipeline);
}
