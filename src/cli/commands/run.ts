import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Command } from 'commander';
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
import { addLaunchOptions } from './pipeline-execute-inputs.js';
import { runPipeline, type LaunchFlags } from './pipeline-execute-run.js';

interface RunFlags extends LaunchFlags {
  repo: string;
  sha?: string;
  pipeline?: string;
  resume?: string;
  pipelinesDir: string;
}

const PIPELINES_DIR = 'pipelines';

export function runCommand(): Command {
  return addLaunchOptions(new Command('run')
    .description('Run a pipeline as it is at a commit, whatever HEAD is: checked out read-only into its own workspace, the SHA recorded.')
    .requiredOption('--repo <path-or-url>', 'the repository: a local path, file://, https:// (token in ORCHESTRATE_GIT_TOKEN) or ssh')
    .option('--sha <ref>', 'the commit (a branch or tag is resolved to its SHA once, at start)')
    .option('--pipeline <name>', 'the pipeline\'s `name`')
    .option('--resume <id>', 'continue an execution started by `run`, at its own SHA and in its own workspace (instead of --sha and --pipeline)')
    .option('--pipelines-dir <dir>', 'where pipeline files live in the repository', PIPELINES_DIR))
    .addHelpText('after', `
Exit codes: 0 succeeded, 1 invalid pipeline or failed execution, 2 usage error,
130/143 cancelled by SIGINT/SIGTERM (a second SIGINT kills the tasks at once).

Examples:
  orchestrate run --repo . --sha 3f2a9c1 --pipeline daily_sales_etl
  orchestrate run --repo . --resume 7b0e…   # after a crash or a failure, still at 3f2a9c1
  orchestrate run --repo https://github.com/acme/pipelines.git --sha v1.4.0 --pipeline training --env EPOCHS=3`)
    .action(async (flags: RunFlags) => {
      process.exitCode = await runAtCommit(flags);
    });
}

async function runAtCommit(flags: RunFlags): Promise<number> {
  if (flags.resume === undefined && (flags.sha === undefined || flags.pipeline === undefined)) {
    throw new UsageError('`run` needs --sha and --pipeline, or --resume ID to continue an execution');
  }
  const { config } = resolveConfig({ flags: { workdir: flags.workdir, 'state.backend': flags.state, 'state.redis_url': flags.redisUrl } });
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
  const pipelinesDir = flags.pipelinesDir === PIPELINES_DIR ? '' : ` --pipelines-dir ${flags.pipelinesDir}`;
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
  await using store = await openStateStore({ backend: config['state.backend'], workdir: config.workdir, redisUrl: config['state.redis_url'], keyPrefix: config['state.key_prefix'], ttlDays: config['state.ttl_days'] });
  return recordedRun(executionId, await store.read(executionId));
}
