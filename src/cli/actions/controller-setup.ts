import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { FileArtifactStore } from '../../artifacts/file-artifact-store.js';
import { localCapacity, ResourcePool } from '../../engine/resource-pool.js';
import { retryDefaultsFromConfig } from '../../engine/retry-policy.js';
import { Controller } from '../../gitops/controller/controller.js';
import { DeployRuns } from '../../gitops/controller/deploy-runs.js';
import { openLogStore } from '../../state/open-log-store.js';
import { readSecrets } from './pipeline-execute-inputs.js';
import type { OpenedLedger } from './open-ledger.js';
import { storeBackendOf } from './store-backend.js';

export interface ControllerParts extends AsyncDisposable {
  runs: DeployRuns;
  controller: Controller;
  owner: string;
}

/** Everything a controller runs with, built once from resolved configuration; released in reverse order. */
export async function openController(opened: OpenedLedger, options: { logger: Logger; intervalMs: number; leaseTtlMs: number; pipelinesDir: string }): Promise<ControllerParts> {
  const { config, source, store, ledger } = opened;
  const logStore = await openLogStore(storeBackendOf(config));
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
