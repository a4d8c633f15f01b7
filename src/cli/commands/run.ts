import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import { resolveConfig } from '../../config/resolve-config.js';
import { launchExecution } from '../../engine/launch-execution.js';
import { retryDefaultsFromConfig } from '../../engine/retry-policy.js';
import { GitSource } from '../../gitops/git-source.js';
import { prepareRunWorkspace, recordedRun } from '../../gitops/run-workspace.js';
import { UsageError } from '../../errors.js';
import { foldExecution } from '../../state/fold.js';
import { openLogStore } from '../../state/open-log-store.js';
import { openStateStore } from '../../state/open-store.js';
import { validateFiles } from '../../validate/validate-files.js';
import { formatHuman } from '../../validate/report/human.js';
import { JsonReporter } from '../console/json-reporter.js';
import { RunTally, type ExecutionReporter } from '../console/reporter.js';
import { createRootLogger, type LogFormat } from '../console/root-logger.js';
import { TextReporter } from '../console/text-reporter.js';
import { commaList, positiveInteger } from '../options.js';
import { useColor } from '../output.js';
import { durationSeconds, envPair, logicalDate, readSecrets, readVarsFile } from './pipeline-execute-inputs.js';
import { cancelOnSignals } from './pipeline-execute-signals.js';

interface RunFlags {
  repo: string;
  sha?: string;
  pipeline?: string;
  resume?: string;
  pipelinesDir: string;
  workdir?: string;
  state?: 'file' | 'redis';
  redisUrl?: string;
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
}

export function runCommand(): Command {
  return new Command('run')
    .description('Run a pipeline as it is at a commit, whatever HEAD is: checked out read-only into its own workspace, the SHA recorded.')
    .requiredOption('--repo <path-or-url>', 'the repository: a local path, file://, https:// (token in ORCHESTRATE_GIT_TOKEN) or ssh')
    .option('--sha <ref>', 'the commit (a branch or tag is resolved to its SHA once, at start)')
    .option('--pipeline <name>', 'the pipeline\'s `name`')
    .option('--resume <id>', 'continue an execution started by `run`, at its own SHA and in its own workspace (instead of --sha and --pipeline)')
    .option('--pipelines-dir <dir>', 'where pipeline files live in the repository', 'pipelines')
    .option('--vars <file>', 'variable overrides: a YAML or JSON mapping')
    .option('--env <key=value>', 'override a variable and set `{{ env.KEY }}` (repeatable)', envPair)
    .option('--secrets-file <file>', 'values for `{{ secrets.NAME }}`: a YAML mapping or KEY=VALUE lines (also ORCHESTRATE_SECRET_<NAME>)')
    .option('--timeout <duration>', 'cancel the execution after this long (2h, 30m)', durationSeconds)
    .addOption(new Option('--priority <level>', 'dispatch priority').choices(['low', 'normal', 'high', 'critical']).default('normal'))
    .option('--trace-id <id>', 'trace id recorded with the execution (default: a new UUID)')
    .addOption(new Option('--log-format <format>', 'console output (default: text, coloured on a terminal)').choices(['json', 'text', 'colored']))
    .option('--skip-tasks <list>', 'comma-separated tasks to record as skipped (`task` or `stage.task`)', commaList)
    .option('--parallel <n>', 'run at most N tasks at once', positiveInteger)
    .option('--ds <date>', 'logical date YYYY-MM-DD (default: today, UTC)', logicalDate)
    .option('--workdir <dir>', 'work directory for the mirror, workspaces, state, logs and outputs (ORCHESTRATION_WORKDIR)')
    .addOption(new Option('--state <backend>', 'state store (default: file, or redis when REDIS_URL is set)').choices(['file', 'redis']))
    .option('--redis-url <url>', 'Redis URL for --state redis (REDIS_URL)')
    .addHelpText('after', `
Exit codes: 0 succeeded, 1 invalid pipeline or failed execution, 2 usage error.

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
  const backend = { backend: config['state.backend'], workdir: config.workdir, redisUrl: config['state.redis_url'], keyPrefix: config['state.key_prefix'], ttlDays: config['state.ttl_days'] };
  await using store = await openStateStore(backend);
  const source = new GitSource({ repo: flags.repo, workdir: config.workdir });
  await source.fetch();
  const recorded = flags.resume === undefined ? undefined : recordedRun(flags.resume, await store.read(flags.resume));
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

  const format = flags.logFormat ?? (useColor(process.stdout) ? 'colored' : 'text');
  const logger = createRootLogger({ format, level: config['log.level'], stdout: process.stdout, stderr: process.stderr });
  const reporter: ExecutionReporter =
    format === 'json' ? new JsonReporter(logger) : new TextReporter({ out: process.stdout, color: format === 'colored', live: process.stdout.isTTY === true, echoOutput: true });
  await using logStore = await openLogStore(backend);
  const artifactStore = new FileArtifactStore({ root: join(config.workdir, 'artifacts'), uploadBase: workspace });
  const tally = new RunTally(0);
  const signals = cancelOnSignals({ pids: () => tally.pids.values(), notice: (message) => reporter.notice(message) });
  try {
    const varsOverrides = flags.vars ? readVarsFile(flags.vars) : {};
    const result = await launchExecution({
      ...(recorded ? { resumeId: executionId } : { executionId }),
      pipeline,
      pipelineFile: version.file,
      pipelineHash: version.hash,
      workspace,
      workdir: config.workdir,
      commitSha: sha,
      trigger: recorded ? 'resume' : 'cli',
      triggeredBy: currentUser(),
      ...(flags.ds ? { ds: flags.ds } : {}),
      overrides: { ...varsOverrides, ...flags.env },
      env: { ...process.env, ...flags.env },
      secrets: readSecrets(process.env, flags.secretsFile),
      priority: flags.priority,
      ...(flags.traceId ? { traceId: flags.traceId } : {}),
      ...(flags.timeout !== undefined ? { timeoutSeconds: flags.timeout } : {}),
      skip: new Set(flags.skipTasks ?? []),
      ...(flags.parallel !== undefined ? { maxConcurrent: flags.parallel } : {}),
      retryDefaults: retryDefaultsFromConfig(config),
      store,
      logStore,
      artifactStore,
      logger,
      signal: signals.signal,
      onStart: (started) => {
        reporter.start({ executionId: started.executionId, pipeline: pipeline.name, tasks: pipeline.stages.reduce((sum, stage) => sum + stage.tasks.length, 0), ds: started.ds, resumed: started.resumed, succeededBefore: started.succeededBefore });
      },
      onEvents: (events) => {
        for (const event of events) tally.apply(event);
        reporter.events(events);
      },
      onOutput: (taskId, attempt, line) => reporter.output(taskId, attempt, line),
    });
    const state = foldExecution(await store.read(result.executionId));
    const artifacts = await artifactStore.list({ executionId: result.executionId });
    const ledger = config['state.backend'] === 'file' ? join(config.workdir, 'state', 'executions', `${result.executionId}.ndjson`) : `redis (key prefix ${config['state.key_prefix']})`;
    reporter.finish({ state, outputDir: result.outputDir, artifacts, ledger });
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
