import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../config/config.js';
import { resolveConfig } from '../../config/resolve-config.js';
import { UsageError } from '../../errors.js';
import { GitSource } from '../../gitops/git-source.js';
import { locateRepository } from '../../gitops/repository-location.js';
import { prepareRunWorkspace, recordedRun } from '../../gitops/run-workspace.js';
import { openStateStore } from '../../state/open-store.js';
import { validateFiles } from '../../validate/validate-files.js';
import { formatHuman } from '../../validate/report/human.js';
import { useColor } from '../output.js';
import { DEFAULT_PIPELINES_DIR } from '../pipelines-dir.js';
import { runPipeline, type LaunchFlags } from './pipeline-execute-run.js';
import { storeBackendOf } from './store-backend.js';
import { startProbingProcessSupport } from './process-support-probe.js';

interface RunFlags extends LaunchFlags {
  repo: string;
  sha?: string;
  pipeline?: string;
  resume?: string;
  pipelinesDir: string;
}

/** `run`: checks the commit out into the execution's own workspace, validates the pipeline there and runs it; resolves to the exit code. */
export async function runAtCommit(flags: RunFlags): Promise<number> {
  if (flags.resume === undefined && (flags.sha === undefined || flags.pipeline === undefined)) {
    throw new UsageError('`run` needs --sha and --pipeline, or --resume ID to continue an execution');
  }
  const { config } = resolveConfig({ flags: { workdir: flags.workdir, 'state.backend': flags.state, 'state.redis_url': flags.redisUrl } });
  startProbingProcessSupport();
  const source = new GitSource({ repo: flags.repo, workdir: config.workdir });
  await source.fetch();
  const recorded = flags.resume === undefined ? undefined : await readRecordedRun(config, flags.resume);
  const sha = recorded?.sha ?? (await source.resolve(flags.sha as string));
  const executionId = flags.resume ?? randomUUID();
  const { version, workspace } = await prepareRunWorkspace(source, {
    workdir: config.workdir,
    sha,
    pipeline: recorded?.pipeline ?? (flags.pipeline as string),
    pipelinesDir: flags.pipelinesDir,
    executionId,
    resume: recorded !== undefined,
  });
  const report = await validateFiles({ paths: [join(workspace, version.file)], strict: false, root: workspace });
  const pipeline = report.files[0]?.pipeline;
  if (report.findings.length > 0 || !pipeline) process.stderr.write(formatHuman(report, { color: useColor(process.stderr) }));
  if (!report.valid || !pipeline) return 1;
  const pipelinesDir = flags.pipelinesDir === DEFAULT_PIPELINES_DIR ? '' : ` --pipelines-dir ${flags.pipelinesDir}`;
  return await runPipeline({
    flags,
    config,
    root: workspace,
    pipelineFile: version.file,
    pipelineHash: version.hash,
    pipeline,
    commitSha: sha,
    ...(recorded ? { resumeId: executionId } : { executionId }),
    resumeCommand: `orchestrate run --repo ${locateRepository(flags.repo).display}${pipelinesDir}`,
  });
}

/** The commit and pipeline of the execution to resume, read before its workspace is prepared. */
async function readRecordedRun(config: ResolvedConfig, executionId: string): Promise<{ sha: string; pipeline: string }> {
  await using store = await openStateStore(storeBackendOf(config));
  return recordedRun(executionId, await store.read(executionId));
}
