import type { FileHandle } from 'node:fs/promises';
import { CorruptLedgerError } from './errors.js';
import type { LedgerEvent } from './events.js';
import { parseLedger, type ParsedLedger } from './ledger-lines.js';
import { openExisting } from './open-existing.js';

/** Where the last read of a ledger file ended: after the whole append that ends with `seq`. */
interface Cursor {
  /** The file it was made in: inode numbers are reused at once, creation times are not. */
  ino: number;
  born: number;
  seq: number;
  offset: number;
}

/** Cursors kept; beyond this the oldest are forgotten (a later read of those parses from the start). */
const MAX_CURSORS = 4_096;
const NEWLINE = 0x0a;

/**
 * Reads ledger files, remembering where each read ended, so that a reader that comes back for
 * what followed (`afterSeq` = the last seq it saw) parses only the new lines. A controller reads
 * its deployment ledger three times a reconcile, and each deployment lists the version of every
 * pipeline: from the start, that is megabytes of JSON after a few dozen deployments. A file is
 * only ever appended to, and its torn tail is cut before the next append but never before a
 * whole append, so a cursor holds for as long as the file is the same file. Whatever does not
 * read as the event after the cursor is read again from the start, which is always right.
 */
export class LedgerReader {
  private readonly cursors = new Map<string, Cursor>();

  /** Events with `seq > afterSeq`; `undefined` when the file does not exist. */
  async read(path: string, afterSeq: number): Promise<LedgerEvent[] | undefined> {
    const handle = await openExisting(path);
    if (!handle) return undefined;
    try {
      const { ino, birthtimeMs: born, size } = await handle.stat();
      const known = this.cursors.get(path);
      const usable = known && known.ino === ino && known.born === born && known.seq <= afterSeq && known.offset <= size ? known : undefined;
      const onward = usable && parseAfter(await readRange(handle, usable.offset, size), path, usable);
      const from = onward ? (usable as Cursor) : { ino, born, seq: 0, offset: 0 };
      const parsed = onward || parseLedger(await readRange(handle, 0, size), { source: path, expectSeq: 1 });
      this.remember(path, { ino, born, seq: parsed.lastSeq, offset: from.offset + parsed.committedBytes });
      return afterSeq > from.seq ? parsed.events.filter((event) => event.seq > afterSeq) : parsed.events;
    } finally {
      await handle.close();
    }
  }

  private remember(path: string, cursor: Cursor): void {
    this.cursors.delete(path);
    this.cursors.set(path, cursor);
    if (this.cursors.size > MAX_CURSORS) this.cursors.delete(this.cursors.keys().next().value as string);
  }
}

/** The appends after `cursor`, or `undefined` when the bytes there are not what follows it. */
function parseAfter(bytes: Buffer, path: string, cursor: Cursor): ParsedLedger | undefined {
  try {
    const parsed = parseLedger(bytes, { source: path, baseOffset: cursor.offset, expectSeq: cursor.seq + 1 });
    // A whole line there that is not the next event (or a torn append): read from the start.
    if (parsed.committedBytes === 0 && bytes.includes(NEWLINE)) return undefined;
    return parsed;
  } catch (error) {
    if (error instanceof CorruptLedgerError) return undefined;
    throw error;
  }
}

async function readRange(handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const bytes = Buffer.alloc(end - start);
  let filled = 0;
  while (filled < bytes.length) {
    const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, start + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return bytes.subarray(0, filled);
}
