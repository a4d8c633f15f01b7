import { closeSync, fdatasync, fstatSync, ftruncateSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { ConflictError } from './errors.js';
import { acquireLock, tryAcquireLock, type HeldLock, type LockOptions } from './file-lock.js';
import { encodeBatch, parseLedger } from './ledger-lines.js';

const fdatasyncAsync = promisify(fdatasync);

/** What one append wrote: the byte range of its lines and its seqs. */
export interface WrittenBatch {
  /** Seq of the first event written (the next seq when nothing was). */
  firstSeq: number;
  /** The ledger's last seq after the append. */
  lastSeq: number;
  /** Byte offset where the append's lines begin. */
  start: number;
  /** Byte offset just past them: where the next append begins. */
  end: number;
  /** Did this append create the file (its directory entry needs an fsync too)? */
  created: boolean;
  /** The file written, to tell a re-created ledger from the one a watcher follows. */
  ino: number;
}

export interface AppendHooks {
  /** Runs under the ledger's lock right after the write (index records). */
  afterWrite?: () => void;
  /** Runs alongside the ledger's fdatasync (the index's own sync). */
  syncAlso?: () => Promise<void>;
  /** Runs once the append is durable, in this ledger's append order (watch notices). */
  durable?: (batch: WrittenBatch) => Promise<void>;
}

/**
 * One execution's NDJSON ledger, opened once per process and kept open: the append path is a
 * lock file, one `stat`, one `write` and one `fdatasync`, with no read and no re-open. It
 * remembers where the last whole append ends (`committed`) and its seq, and notices when
 * another process appended (the size moved), left a torn tail (truncated, under the lock), or
 * removed the file (re-opened).
 */
export class FileLedger {
  private fd = -1;
  private ino = -1;
  private committed = 0;
  private lastSeq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private busy = 0;

  constructor(
    readonly executionId: string,
    private readonly path: string,
    private readonly lockOptions: LockOptions,
  ) {}

  /** No append waits or runs: the handle can be closed to free its descriptor. */
  get idle(): boolean {
    return this.busy === 0;
  }

  /**
   * Appends one batch as one write, then makes it durable with `fdatasync` before resolving.
   * The lock is held for the write only: another process may append while this one syncs, and
   * its own sync covers both. Hooks: `afterWrite` runs under the lock (index records keep the
   * ledger's order), `syncAlso` alongside the fdatasync, `durable` after it, still in this
   * ledger's in-process order (watch notices go out in seq order).
   */
  append(bodies: readonly string[], expectedSeq: number | undefined, hooks: AppendHooks = {}): Promise<WrittenBatch> {
    return this.exclusive(async () => {
      const lock = tryAcquireLock(this.lockPath, this.lockOptions) ?? (await acquireLock(this.lockPath, this.lockOptions));
      let written: WrittenBatch;
      try {
        const created = this.refresh();
        if (expectedSeq !== undefined && expectedSeq !== this.lastSeq) throw new ConflictError(this.executionId, expectedSeq, this.lastSeq);
        written = { firstSeq: this.lastSeq + 1, lastSeq: this.lastSeq, start: this.committed, end: this.committed, created, ino: this.ino };
        if (bodies.length === 0) return written;
        const bytes = Buffer.from(encodeBatch(this.executionId, this.lastSeq + 1, bodies));
        this.writeAll(bytes);
        this.committed += bytes.length;
        this.lastSeq += bodies.length;
        written = { ...written, lastSeq: this.lastSeq, end: this.committed };
        hooks.afterWrite?.();
      } finally {
        lock.release();
      }
      await Promise.all([fdatasyncAsync(this.fd), hooks.syncAlso?.()]);
      await hooks.durable?.(written);
      return written;
    });
  }

  /** Removes the ledger under the same locks appends take, then forgets the file. */
  remove(removeFile: () => Promise<void>): Promise<void> {
    return this.exclusive(async () => {
      const lock: HeldLock = await acquireLock(this.lockPath, this.lockOptions);
      try {
        await removeFile();
      } finally {
        lock.release();
      }
      this.close();
    });
  }

  close(): void {
    if (this.fd !== -1) closeSync(this.fd);
    this.fd = -1;
    this.ino = -1;
  }

  /** Waits for the appends already queued. */
  async settle(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private get lockPath(): string {
    return `${this.path.slice(0, -'.ndjson'.length)}.lock`;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    const run = this.queue.then(work);
    this.queue = run.then(
      () => this.busy--,
      () => this.busy--,
    );
    return run;
  }

  /**
   * Brings the cached position up to date with the file, under the lock. Returns whether the
   * file was just created.
   */
  private refresh(): boolean {
    const stat = statSync(this.path, { throwIfNoEntry: false });
    if (!stat || stat.ino !== this.ino) return this.open(stat === undefined);
    if (stat.size === this.committed) return false;
    if (stat.size < this.committed) {
      // Cut shorter by someone else: forget what we knew and read it again.
      this.close();
      return this.open(false);
    }
    this.catchUp(stat.size);
    return false;
  }

  private open(creating: boolean): boolean {
    this.close();
    this.fd = openSync(this.path, 'a+', 0o644);
    const stat = fstatSync(this.fd);
    this.ino = stat.ino;
    const end = locateEnd(this.fd, stat.size, this.path);
    this.committed = end.committed;
    this.lastSeq = end.lastSeq;
    // Opened under the lock: a tail past the last whole append is a dead writer's.
    if (this.committed < stat.size) ftruncateSync(this.fd, this.committed);
    return creating;
  }

  /** Reads what lies past `committed` (other writers' appends), then cuts off a torn tail. */
  private catchUp(size: number): void {
    const buffer = Buffer.allocUnsafe(size - this.committed);
    readFully(this.fd, buffer, this.committed);
    const parsed = parseLedger(buffer, { source: this.path, baseOffset: this.committed, expectSeq: this.lastSeq + 1 });
    this.committed += parsed.committedBytes;
    this.lastSeq = parsed.lastSeq;
    // We hold the lock, so no live writer is mid-write: what is left is a dead writer's tail.
    if (this.committed < size) ftruncateSync(this.fd, this.committed);
  }

  private writeAll(bytes: Buffer): void {
    let offset = 0;
    try {
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
    } catch (error) {
      // A short write (ENOSPC, EIO) must not leave half an append for the next one to follow.
      if (offset > 0) ftruncateSync(this.fd, this.committed);
      throw error;
    }
  }
}

/**
 * Finds the end of the last whole append by reading backwards from the end of the file in
 * growing windows, so opening a long ledger costs one small read, not a full parse.
 */
function locateEnd(fd: number, size: number, source: string): { committed: number; lastSeq: number } {
  for (let window = 64 * 1024; ; window *= 4) {
    const start = Math.max(0, size - window);
    const buffer = Buffer.allocUnsafe(size - start);
    readFully(fd, buffer, start);
    // Past the first newline when mid-file: the window may start inside a line.
    const from = start === 0 ? 0 : buffer.indexOf(0x0a) + 1;
    if (from > 0 || start === 0) {
      const parsed = parseLedger(buffer.subarray(from), { source, baseOffset: start + from });
      if (parsed.events.length > 0) return { committed: start + from + parsed.committedBytes, lastSeq: parsed.lastSeq };
    }
    if (start === 0) return { committed: 0, lastSeq: 0 };
  }
}

function readFully(fd: number, buffer: Buffer, position: number): void {
  let offset = 0;
  while (offset < buffer.length) {
    const read = readSync(fd, buffer, offset, buffer.length - offset, position + offset);
    if (read === 0) break;
    offset += read;
  }
}
