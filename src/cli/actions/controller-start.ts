import { UsageError } from '../../errors.js';
import { readControllerFile, removeControllerFile, writeControllerFile } from '../../gitops/controller/controller-file.js';
import { startControllerServer, type ControllerServer } from '../../gitops/controller/controller-server.js';
import { createControllerLogger, type ControllerLogFormat } from './controller-logger.js';
import { openController } from './controller-setup.js';
import { openLedger, type LedgerFlags } from './open-ledger.js';
import { createControllerWebhooks } from './controller-webhooks.js';

interface StartFlags extends LedgerFlags {
  repo: string;
  interval: number;
  port: number;
  host: string;
  grace: number;
  leaseTtl: number;
  pipelinesDir: string;
  logFormat: ControllerLogFormat;
}

/** `controller start`: serves until the first SIGTERM or SIGINT, then gives running executions their grace. */
export async function startController(flags: StartFlags): Promise<number> {
  if (!flags.repo) throw new UsageError('`controller start` needs --repo: the repository to deploy from (a local path or Git URL)');
  const opened = await openLedger(flags);
  const { config, location, source } = opened;
  await refuseSecondController(config.workdir);
  const logger = createControllerLogger({ format: flags.logFormat, level: config['log.level'], out: process.stdout, location });
  await using parts = await openController(opened, { logger, intervalMs: flags.interval, leaseTtlMs: flags.leaseTtl, pipelinesDir: flags.pipelinesDir });
  const { controller, runs, owner } = parts;
  const webhooks = createControllerWebhooks({ env: process.env, repo: flags.repo, workdir: config.workdir, branch: flags.branch, controller, logger });
  let server: ControllerServer;
  try {
    server = await startControllerServer({ controller, logger, ...(webhooks ? { webhooks } : {}) }, { host: flags.host, port: flags.port });
  } catch (error) {
    throw new UsageError(`The controller cannot listen on ${flags.host}:${flags.port}: ${(error as Error).message}; pass another --port (0 picks a free one)`, { cause: error });
  }
  writeControllerFile(config.workdir, { url: server.url, pid: process.pid, repository: source.display, branch: flags.branch, owner, started_at: new Date().toISOString() });
  logger.info({ url: server.url, repository: source.display, branch: flags.branch, owner }, `controller for ${source.display} (${flags.branch}) listening on ${server.url}, reconciling every ${flags.interval / 1000}s`);

  const signalled = waitForSignals(() => runs.cancelNow());
  controller.start();
  const name = await signalled.first;
  logger.info({ signal: name }, `${name}: shutting down; running executions have ${flags.grace / 1000}s to finish (send it again to cancel them now)`);
  // Stop taking work first: no new requests, no new reconciles; then give the executions their grace.
  await server.close();
  removeControllerFile(config.workdir, owner);
  await controller.stop();
  await webhooks?.idle();
  const cancelled = await runs.shutdown(signalled.again ? 0 : flags.grace);
  signalled.dispose();
  if (cancelled.length > 0) logger.info({ cancelled }, `cancelled ${cancelled.length} execution${cancelled.length === 1 ? '' : 's'} (${cancelled.join(', ')}); a restarted controller resumes them`);
  logger.info('controller stopped');
  return 0;
}

/** Two controllers on one work directory would share its mirror and overwrite each other's controller.json. */
async function refuseSecondController(workdir: string): Promise<void> {
  const running = readControllerFile(workdir);
  if (!running) return;
  const health = await fetch(`${running.url}/healthz`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
  // A file left by a killed controller does not answer: replace it.
  if (health?.ok) throw new UsageError(`A controller already runs for ${workdir} at ${running.url} (pid ${running.pid}); stop it, or give this one another --workdir`);
}

/** The first SIGTERM/SIGINT starts the shutdown; a second ends the grace period at once. */
function waitForSignals(onAgain: () => void): { first: Promise<NodeJS.Signals>; readonly again: boolean; dispose(): void } {
  let count = 0;
  let resolveFirst: (name: NodeJS.Signals) => void = () => {};
  const first = new Promise<NodeJS.Signals>((resolve) => (resolveFirst = resolve));
  const onSignal = (name: NodeJS.Signals) => {
    count++;
    if (count === 1) resolveFirst(name);
    else onAgain();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    first,
    get again() {
      return count > 1;
    },
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
