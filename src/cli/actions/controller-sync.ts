import { resolveConfig } from '../../config/resolve-config.js';
import type { SyncResult } from '../../gitops/controller/controller.js';
import { readControllerFile, type ControllerFile } from '../../gitops/controller/controller-file.js';
import { describeOutcome } from '../../gitops/controller/describe-outcome.js';
import { locateRepository } from '../../gitops/repository-location.js';
import { createControllerLogger } from './controller-logger.js';
import { openController } from './controller-setup.js';
import { openLedger, type LedgerFlags } from './open-ledger.js';

interface SyncFlags extends LedgerFlags {
  format: 'text' | 'json';
  pipelinesDir: string;
}

/** `controller sync`: one reconcile, through the running controller or in this process; the exit code says whether the head deployed. */
export async function syncController(flags: SyncFlags): Promise<void> {
  const result = await sync(flags);
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${describeOutcome(result)}\n`);
  process.exitCode = result.outcome === 'deployed' || result.outcome === 'unchanged' || result.outcome === 'pinned' ? 0 : 1;
}

async function sync(flags: SyncFlags): Promise<SyncResult> {
  const { config } = resolveConfig({ flags: { workdir: flags.workdir, 'state.backend': flags.state, 'state.redis_url': flags.redisUrl } });
  const running = readControllerFile(config.workdir);
  if (running && tracksSame(running, flags)) {
    const answered = await syncThrough(running);
    if (answered) return answered;
  }
  const opened = await openLedger(flags);
  // Only warnings on stderr: the outcome itself is this command's output.
  const logger = createControllerLogger({ format: 'text', level: 'warn', out: process.stderr, location: opened.location });
  await using parts = await openController(opened, { logger, intervalMs: 30_000, leaseTtlMs: 30_000, pipelinesDir: flags.pipelinesDir });
  const result = await parts.controller.reconcile('sync');
  await parts.runs.idle();
  await parts.controller.stop();
  return result;
}

function tracksSame(running: ControllerFile, flags: SyncFlags): boolean {
  if (running.branch !== flags.branch) return false;
  return flags.repo === undefined || locateRepository(flags.repo).display === running.repository;
}

/** The running controller's answer; undefined when it does not answer (a file left by a killed one). */
async function syncThrough(running: ControllerFile): Promise<SyncResult | undefined> {
  let response: Response;
  try {
    response = await fetch(`${running.url}/api/sync`, { method: 'POST' });
  } catch {
    return undefined;
  }
  const body = (await response.json().catch(() => undefined)) as SyncResult | undefined;
  return body && typeof body.outcome === 'string' ? body : { outcome: 'error', message: `the controller at ${running.url} answered ${response.status}` };
}
