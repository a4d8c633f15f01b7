import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Logger } from 'pino';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import { resolveConfig } from '../../config/resolve-config.js';
import type { ResolvedConfig } from '../../config/config.js';
import { localCapacity, ResourcePool } from '../../engine/resource-pool.js';
import { retryDefaultsFromConfig } from '../../engine/retry-policy.js';
import { UsageError } from '../../errors.js';
import { Controller } from '../../gitops/controller/controller.js';
import { readControllerFile } from '../../gitops/controller/controller-file.js';
import { DeployRuns } from '../../gitops/controller/deploy-runs.js';
import { DeploymentLedger } from '../../gitops/deployments/deployment-ledger.js';
import { GitSource } from '../../gitops/git-source.js';
import { locateRepository, type RepositoryLocation } from '../../gitops/repository-location.js';
import { openLogStore } from '../../state/open-log-store.js';
import { openStateStore } from '../../state/open-store.js';
import type { StateStore } from '../../state/state-store.js';
import { readSecrets } from './pipeline-execute-inputs.js';

/** Flags every controller and deploy command shares to find the repository, its ledger and the store. */
export interface LedgerFlags {
  repo?: string;
  branch: string;
  workdir?: string;
  state?: 'file' | 'redis';
  redisUrl?: string;
}

export function addLedgerOptions(command: Command, repoHelp = 'the repository (default: the one the running controller tracks)'): Command {
  return command
    .option('--repo <path-or-url>', repoHelp)
    .option('--branch <name>', 'the tracked branch', 'main')
    .option('--workdir <dir>', 'work directory: mirror, state, executions (ORCHESTRATION_WORKDIR)')
    .addOption(new Option('--state <backend>', 'state store (default: file, or redis when REDIS_URL is set)').choices(['file', 'redis']))
    .option('--redis-url <url>', 'Redis URL for --state redis (REDIS_URL)');
}

export interface OpenedLedger extends AsyncDisposable {
  config: ResolvedConfig;
  location: RepositoryLocation;
  source: GitSource;
  store: StateStore;
  ledger: DeploymentLedger;
}

/** The configuration, the repository (from `--repo` or the running controller's file) and its branch's ledger. */
export async function openLedger(flags: LedgerFlags): Promise<OpenedLedger> {
  const { config } = resolveConfig({ flags: { workdir: flags.workdir, 'state.backend': flags.state, 'state.redis_url': flags.redisUrl } });
  const repo = flags.repo ?? readControllerFile(config.workdir)?.repository;
  if (!repo) throw new UsageError(`Which repository? Pass --repo (a local path or Git URL), or start \`orchestrate controller start\` with this work directory (${config.workdir})`);
  const location = locateRepository(repo);
  const source = new GitSource({ repo, workdir: config.workdir });
  const store = await openStateStore(storeOptions(config));
  return {
    config,
    location,
    source,
    store,
    ledger: new DeploymentLedger(store, source.display, flags.branch),
    [Symbol.asyncDispose]: () => store[Symbol.asyncDispose](),
  };
}

export interface ControllerParts extends AsyncDisposable {
  runs: DeployRuns;
  controller: Controller;
  owner: string;
}

/** Everything a controller runs with, built once from resolved configuration; released in reverse order. */
export async function openController(opened: OpenedLedger, options: { logger: Logger; intervalMs: number; leaseTtlMs: number; pipelinesDir: string }): Promise<ControllerParts> {
  const { config, source, store, ledger } = opened;
  const logStore = await openLogStore(storeOptions(config));
  const owner = `controller@${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const runs = new DeployRuns({
    source,
    store,
    logStore,
    workdir: config.workdir,
    logger: options.logger,
    owner,
    leaseTtlMs: options.leaseTtlMs,
    pipelinesDir: options.pipelinesDir,
    env: process.env,
    secrets: readSecrets(process.env),
    retryDefaults: retryDefaultsFromConfig(config),
    pool: new ResourcePool(localCapacity()),
    artifactStoreFor: (workspace) => new FileArtifactStore({ root: join(config.workdir, 'artifacts'), uploadBase: workspace }),
  });
  const controller = new Controller({ source, store, ledger, runs, logger: options.logger, owner, intervalMs: options.intervalMs, leaseTtlMs: options.leaseTtlMs, pipelinesDir: options.pipelinesDir });
  return {
    runs,
    controller,
    owner,
    async [Symbol.asyncDispose]() {
      await logStore.flush();
      await logStore[Symbol.asyncDispose]();
      await opened[Symbol.asyncDispose]();
    },
  };
}

function storeOptions(config: ResolvedConfig) {
  return { backend: config['state.backend'], workdir: config.workdir, redisUrl: config['state.redis_url'], keyPrefix: config['state.key_prefix'], ttlDays: config['state.ttl_days'] };
}
