import { readdirSync, statSync, watch as watchDirectory, type FSWatcher } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EventQueue } from './event-queue.js';
import type { LedgerEvent } from './events.js';
import { parseLedger } from './ledger-lines.js';

/** Sent in-process after an append is durable: the events and where their bytes are. */
export interface AppendNotice {
  executionId: string;
  /** The ledger file written. */
  ino: number;
  /** Byte range of the append's lines in that file. */
  start: number;
  end: number;
  /** The events as stored, so a watcher at `start` needs no read. */
  events: readonly LedgerEvent[];
}

interface Tail {
  ino: number;
  offset: number;
  /** False while `offset` came from a size snapshot and may fall inside a line. */
  aligned: boolean;
  lastSeq: number;
}

const LEDGER_SUFFIX = '.ndjson';

/**
 * Follows ledgers for `watch`. Every event is read from the file at the offset this watcher
 * reached, so it is delivered once and in order whoever wrote it. Three wake-ups: the store's
 * in-process notice (which carries the events, so an append by this process costs no read),
 * `fs.watch` on the executions directory (other processes, promptly where inotify works), and
 * a poll every `pollIntervalMs` (file systems where it does not).
 */
export function watchLedgers(options: {
  directory: string;
  executionId?: string;
  signal: AbortSignal;
  pollIntervalMs: number;
  subscribe: (listener: (notice: AppendNotice) => void) => () => void;
}): EventQueue {
  const queue = new EventQueue(options.signal);
  if (queue.isClosed) return queue;
  const tails = new Map<string, Tail>();
  const dirty = new Set<string>();
  let draining: Promise<void> | undefined;
  const only = options.executionId;

  // "From now on" is the ledgers' sizes at this call, before anything else can append.
  for (const id of only === undefined ? listLedgers(options.directory) : [only]) {
    const found = statSync(join(options.directory, `${id}${LEDGER_SUFFIX}`), { throwIfNoEntry: false });
    tails.set(id, found ? { ino: found.ino, offset: found.size, aligned: found.size === 0, lastSeq: 0 } : { ino: -1, offset: 0, aligned: true, lastSeq: 0 });
  }

  const readNew = async (id: string) => {
    const path = join(options.directory, `${id}${LEDGER_SUFFIX}`);
    const found = await stat(path).catch(() => undefined);
    let tail = tails.get(id);
    if (!found) {
      if (tail) tails.set(id, { ino: -1, offset: 0, aligned: true, lastSeq: 0 });
      return;
    }
    if (!tail || tail.ino !== found.ino) {
      // Created (or re-created after a remove) since the watch began: all of it is new.
      tail = { ino: found.ino, offset: 0, aligned: true, lastSeq: 0 };
      tails.set(id, tail);
    }
    if (found.size <= tail.offset) return;
    const from = tail.aligned ? tail.offset : tail.offset - 1;
    const handle = await open(path, 'r');
    let bytes: Buffer;
    try {
      bytes = Buffer.alloc(found.size - from);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, from);
      bytes = bytes.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    let skip = 0;
    if (!tail.aligned) {
      const newline = bytes.indexOf(0x0a);
      if (newline === -1) return;
      skip = newline + 1;
    }
    const parsed = parseLedger(bytes.subarray(skip), { source: path, baseOffset: from + skip });
    tail.offset = from + skip + parsed.committedBytes;
    tail.aligned = true;
    deliver(tail, parsed.events);
  };

  const deliver = (tail: Tail, events: readonly LedgerEvent[]) => {
    const fresh = events.filter((event) => event.seq > tail.lastSeq);
    if (fresh.length === 0) return;
    tail.lastSeq = (fresh.at(-1) as LedgerEvent).seq;
    queue.push(fresh);
  };

  const drain = async () => {
    while (dirty.size > 0 && !queue.isClosed) {
      const [id] = dirty;
      dirty.delete(id as string);
      await readNew(id as string);
    }
  };

  const wake = (id: string) => {
    if (queue.isClosed || (only !== undefined && id !== only)) return;
    dirty.add(id);
    draining ??= drain()
      .catch((error: unknown) => queue.fail(error))
      .finally(() => {
        draining = undefined;
        if (dirty.size > 0) wake([...dirty][0] as string);
      });
  };

  const unsubscribe = options.subscribe((notice) => {
    if (only !== undefined && notice.executionId !== only) return;
    const tail = tails.get(notice.executionId);
    if (!draining && tail && tail.ino === notice.ino && tail.aligned && tail.offset === notice.start) {
      tail.offset = notice.end;
      deliver(tail, notice.events);
    } else if (!(tail && tail.ino === notice.ino && notice.end <= tail.offset)) {
      wake(notice.executionId);
    }
  });
  queue.onClose(unsubscribe);

  let watcher: FSWatcher | undefined;
  try {
    watcher = watchDirectory(options.directory, (_event, filename) => {
      if (filename?.endsWith(LEDGER_SUFFIX)) wake(filename.slice(0, -LEDGER_SUFFIX.length));
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No inotify watches left (or no support): the poll below still delivers.
  }
  queue.onClose(() => watcher?.close());

  const poll = setInterval(() => {
    if (only !== undefined) return wake(only);
    readdir(options.directory)
      .then((names) => names.filter((name) => name.endsWith(LEDGER_SUFFIX)).forEach((name) => wake(name.slice(0, -LEDGER_SUFFIX.length))))
      .catch((error: unknown) => queue.fail(error));
  }, options.pollIntervalMs);
  queue.onClose(() => clearInterval(poll));
  queue.onClose(async () => {
    await draining;
  });
  return queue;
}

function listLedgers(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((name) => name.endsWith(LEDGER_SUFFIX))
      .map((name) => name.slice(0, -LEDGER_SUFFIX.length));
  } catch {
    return [];
  }
}
