import { mkdirSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError, OrchestrateError, TerminalError, TransientError } from '../errors.js';
import type { EventQueue } from './event-queue.js';
import type { LedgerEvent } from './events.js';
import { FileIndex } from './file-index.js';
import { FileLeases } from './file-leases.js';
import { FileLedger } from './file-ledger.js';
import { LedgerReader } from './ledger-reader.js';
import { watchLedgers, type AppendNotice } from './file-watch.js';
import { assertExecutionId, encodeBody } from './ledger-lines.js';
import type { AppendRequest, Lease, ListPage, ListRequest, StateStore } from './state-store.js';
import { summaryChange } from './summary.js';

export interface FileStateStoreOptions {
  /** Holds `executions/<id>.ndjson`, `index.ndjson` and `leases/`; created when missing. */
  directory: string;
  /** How long an append waits for another process's ledger lock. @defaultValue 10_000 */
  lockTimeoutMs?: number;
  /** How often `watch` looks for appends by other processes that `fs.watch` missed. @defaultValue 1_000 */
  pollIntervalMs?: number;
  /** Ledger files kept open for fast appends; idle ones beyond this are closed. @defaultValue 256 */
  maxOpenLedgers?: number;
}

/**
 * The embedded store: one append-only NDJSON file per execution under a work directory.
 *
 * Durability policy: an append is one `write` of all its events followed by `fdatasync` on the
 * ledger before `append` resolves, so an acknowledged transition survives a process kill and a
 * machine crash. The index is synced too when an append changes it (creation, finish), and the
 * directory once when a ledger file is created. The engine's group commit (EventWriter) makes
 * that one sync per burst of transitions, not one per event. A write torn by a kill is never
 * read back and is cut off, under the ledger's lock, before the next append.
 */
export class FileStateStore implements StateStore {
  private readonly executionsDirectory: string;
  private readonly ledgers = new Map<string, FileLedger>();
  private readonly reader = new LedgerReader();
  private readonly index: FileIndex;
  private readonly leases: FileLeases;
  private readonly listeners = new Set<(notice: AppendNotice) => void>();
  private readonly watches = new Set<EventQueue>();
  private readonly lockOptions: { timeoutMs: number };
  private closed = false;

  constructor(private readonly options: FileStateStoreOptions) {
    this.executionsDirectory = join(options.directory, 'executions');
    mkdirSync(this.executionsDirectory, { recursive: true });
    this.lockOptions = { timeoutMs: options.lockTimeoutMs ?? 10_000 };
    this.index = new FileIndex(join(options.directory, 'index.ndjson'));
    this.leases = new FileLeases(join(options.directory, 'leases'), this.lockOptions);
  }

  async append(request: AppendRequest): Promise<{ lastSeq: number }> {
    this.assertOpen();
    const { executionId } = request;
    assertExecutionId(executionId);
    const bodies = request.events.map(encodeBody);
    const change = summaryChange(request.events);
    const ledger = this.ledgerFor(executionId);
    try {
      const written = await ledger.append(bodies, request.expectedSeq, {
        // Under the ledger's lock, so index records of one execution keep the ledger's order.
        afterWrite: change ? () => this.index.write(executionId, change) : undefined,
        durable: async (batch) => {
          if (batch.created) await syncDirectory(this.executionsDirectory);
          if (this.listeners.size === 0 || batch.lastSeq < batch.firstSeq) return;
          // Object.assign: V8 extends a `{ ...event }` copy slowly, and this runs per event.
          const events = request.events.map((event, index) => Object.assign({}, event, { seq: batch.firstSeq + index, execution_id: executionId }) as LedgerEvent);
          for (const listener of this.listeners) listener({ executionId, ino: batch.ino, start: batch.start, end: batch.end, events });
        },
        syncAlso: change ? () => this.index.sync() : undefined,
      });
      return { lastSeq: written.lastSeq };
    } catch (error) {
      throw storeFailure('append to the ledger of', executionId, error);
    } finally {
      this.closeIdleLedgers();
    }
  }

  async read(executionId: string, options: { afterSeq?: number } = {}): Promise<LedgerEvent[]> {
    this.assertOpen();
    assertExecutionId(executionId);
    try {
      return (await this.reader.read(this.ledgerPath(executionId), options.afterSeq ?? 0)) ?? [];
    } catch (error) {
      if (error instanceof OrchestrateError) throw error;
      throw storeFailure('read the ledger of', executionId, error);
    }
  }

  async list(request: ListRequest): Promise<ListPage> {
    this.assertOpen();
    return this.index.list(request);
  }

  watch(options: { executionId?: string; signal: AbortSignal }): AsyncIterable<LedgerEvent> {
    this.assertOpen();
    if (options.executionId !== undefined) assertExecutionId(options.executionId);
    const queue = watchLedgers({
      directory: this.executionsDirectory,
      signal: options.signal,
      pollIntervalMs: this.options.pollIntervalMs ?? 1_000,
      ...(options.executionId !== undefined ? { executionId: options.executionId } : {}),
      subscribe: (listener) => {
        this.listeners.add(listener);
        return () => void this.listeners.delete(listener);
      },
    });
    this.watches.add(queue);
    queue.onClose(() => void this.watches.delete(queue));
    return queue;
  }

  async remove(executionId: string): Promise<void> {
    this.assertOpen();
    assertExecutionId(executionId);
    const path = this.ledgerPath(executionId);
    try {
      await this.ledgerFor(executionId).remove(async () => {
        await unlink(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
        this.index.write(executionId, 'removed');
        await this.index.sync();
      });
    } catch (error) {
      throw storeFailure('remove the ledger of', executionId, error);
    }
  }

  async acquireLease(request: { name: string; owner: string; ttlMs: number }): Promise<Lease | undefined> {
    this.assertOpen();
    return this.leases.acquire(request);
  }

  async releaseLease(request: { name: string; owner: string }): Promise<void> {
    this.assertOpen();
    await this.leases.release(request);
  }

  /** Ends every watch, waits for appends in flight, then closes the files, in that order. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.watches].map((queue) => queue.close()));
    await Promise.all([...this.ledgers.values()].map((ledger) => ledger.settle()));
    for (const ledger of this.ledgers.values()) ledger.close();
    this.ledgers.clear();
    this.index.close();
  }

  private ledgerPath(executionId: string): string {
    return join(this.executionsDirectory, `${executionId}.ndjson`);
  }

  private ledgerFor(executionId: string): FileLedger {
    let ledger = this.ledgers.get(executionId);
    if (ledger) {
      // Most recently used last, so the idle ones closed first are the coldest.
      this.ledgers.delete(executionId);
    } else {
      ledger = new FileLedger(executionId, this.ledgerPath(executionId), this.lockOptions);
    }
    this.ledgers.set(executionId, ledger);
    return ledger;
  }

  private closeIdleLedgers(): void {
    let excess = this.ledgers.size - (this.options.maxOpenLedgers ?? 256);
    for (const [executionId, ledger] of this.ledgers) {
      if (excess <= 0) return;
      if (!ledger.idle) continue;
      ledger.close();
      this.ledgers.delete(executionId);
      excess--;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new InternalError('The file state store was used after it was disposed; open a new one with openStateStore().');
  }
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const TRANSIENT_CODES = new Set(['ENOSPC', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'EINTR']);

/** File system failures, said in the store's words with the fix; our own errors pass through. */
function storeFailure(action: string, executionId: string, error: unknown): Error {
  if (error instanceof OrchestrateError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const message = `Could not ${action} execution ${executionId}: ${(error as Error).message}. Check that the work directory (ORCHESTRATION_WORKDIR) is writable and has free space.`;
  return TRANSIENT_CODES.has(code) ? new TransientError(message, { cause: error }) : new TerminalError(message, { cause: error });
}
