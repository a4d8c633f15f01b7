import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError } from '../errors.js';

/**
 * A cross-process advisory lock: a file created with `O_CREAT | O_EXCL` that names its owner
 * (`pid host n`, n counting this process's takings). Node has no `flock`, and a native addon
 * for it would be a build step on every machine; `O_EXCL` is atomic on local file systems and
 * costs four system calls a taking (open, write, close, and unlink to release), which fits the
 * append path (held for one `write`, never across an fsync).
 *
 * A lock whose owner died (SIGKILL mid-append) is stale and is broken: on this host when its
 * pid no longer exists, from another host only after `foreignStaleMs`. Breaking is serialised
 * by a second lock (`.break`) so two breakers can never delete a lock a live owner just took.
 * The file store is meant for one host; share a work directory between hosts only through the
 * Redis store.
 */
export interface LockOptions {
  /** Give up with `TransientError` after this long. @defaultValue 10_000 */
  timeoutMs?: number;
  /** A lock from another host is stale after this long. @defaultValue 60_000 */
  foreignStaleMs?: number;
}

const HOST = hostname();
const BREAK_LOCK_STALE_MS = 5_000;
const EMPTY_LOCK_STALE_MS = 1_000;
let taken = 0;

export interface HeldLock {
  /** Deletes the lock file, which is ours while this process lives (see `ownLock`); safe to call twice. */
  release(): void;
}

/** Takes the lock, waiting with a short backoff while a live owner holds it. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<HeldLock> {
  const held = tryAcquireLock(path, options);
  if (held) return held;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (let delay = 1; ; delay = Math.min(delay * 2, 25)) {
    await sleep(delay);
    const retried = tryAcquireLock(path, options);
    if (retried) return retried;
    if (Date.now() > deadline) {
      throw new TransientError(
        `Timed out after ${options.timeoutMs ?? 10_000} ms waiting for the lock ${path} (held by ${describeOwner(path)}). ` +
          'Another process is writing the same ledger; if no such process is alive, delete the lock file.',
      );
    }
  }
}

/** One attempt, without waiting: the fast path of every append. */
export function tryAcquireLock(path: string, options: LockOptions = {}): HeldLock | undefined {
  // Three fields, as readers expect: a lock with fewer counts as unwritten, stale after a second.
  const content = `${process.pid} ${HOST} ${(++taken).toString(36)}`;
  if (createExclusive(path, content)) return ownLock(path);
  if (isStale(path, options)) breakStaleLock(path, options);
  return createExclusive(path, content) ? ownLock(path) : undefined;
}

/**
 * Release unlinks without reading the file back, because while this process lives the file at
 * `path` is the one it created. A breaker on this host deletes a lock only when its owner's pid
 * is gone (a stopped process still has its pid), or an unwritten one after a second, and ours is
 * written in the same synchronous step that creates it: only a holder frozen between that open
 * and that write loses its lock, and it then writes the ledger alongside the breaker whatever
 * release does. A breaker on another host waits `foreignStaleMs` (60 s) while holders keep the
 * lock for milliseconds; only a holder frozen that long between its write and its release could
 * delete the next owner's lock, one more reason the file store is for one host.
 */
function ownLock(path: string): HeldLock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      unlinkQuietly(path);
    },
  };
}

function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

interface Owner {
  pid: number;
  host: string;
}

function readOwner(path: string): Owner | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const [pid, host, taking] = text.split(' ');
  if (pid === undefined || host === undefined || taking === undefined || !/^\d+$/.test(pid)) return undefined;
  return { pid: Number(pid), host };
}

function isStale(path: string, options: LockOptions): boolean {
  const age = ageMs(path);
  if (age === undefined) return false; // gone already: the next create will tell
  const owner = readOwner(path);
  // Created but not yet written, or written by a writer that died in between.
  if (!owner) return age > EMPTY_LOCK_STALE_MS;
  if (owner.host !== HOST) return age > (options.foreignStaleMs ?? 60_000);
  return !isAlive(owner.pid);
}

function breakStaleLock(path: string, options: LockOptions): void {
  const breakPath = `${path}.break`;
  if (!createExclusive(breakPath, `${process.pid} ${HOST} break`)) {
    // A breaker that died holding the break lock must not block everyone forever.
    if ((ageMs(breakPath) ?? 0) > BREAK_LOCK_STALE_MS) unlinkQuietly(breakPath);
    return;
  }
  try {
    // Judge again under the break lock: another breaker may have replaced it meanwhile.
    if (isStale(path, options)) unlinkQuietly(path);
  } finally {
    unlinkQuietly(breakPath);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ageMs(path: string): number | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? Date.now() - stat.mtimeMs : undefined;
}

function describeOwner(path: string): string {
  const owner = readOwner(path);
  return owner ? `pid ${owner.pid} on ${owner.host}` : 'an unknown owner';
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
