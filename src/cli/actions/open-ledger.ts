import type { ResolvedConfig } from '../../config/config.js';
import { resolveConfig } from '../../config/resolve-config.js';
import { UsageError } from '../../errors.js';
import { readControllerFile } from '../../gitops/controller/controller-file.js';
import { DeploymentLedger } from '../../gitops/deployments/deployment-ledger.js';
import { GitSource } from '../../gitops/git-source.js';
import { locateRepository, type RepositoryLocation } from '../../gitops/repository-location.js';
import { openStateStore } from '../../state/open-store.js';
import type { StateStore } from '../../state/state-store.js';
import { storeBackendOf } from './store-backend.js';

/** Flags every controller and deploy command shares to find the repository, its ledger and the store (commands/ledger-options.ts). */
export interface LedgerFlags {
  repo?: string;
  branch: string;
  workdir?: string;
  state?: 'file' | 'redis';
  redisUrl?: string;
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
  const store = await openStateStore(storeBackendOf(config));
  return {
    config,
    location,
    source,
    store,
    ledger: new DeploymentLedger(store, source.display, flags.branch),
    [Symbol.asyncDispose]: () => store[Symbol.asyncDispose](),
  };
}
