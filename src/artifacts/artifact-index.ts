import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { TerminalError } from '../errors.js';

/** One line of an execution's artifact index, as written (snake_case like the ledger). */
export interface IndexEntry {
  task: string;
  path: string;
  type: string;
  size_bytes: number;
  sha256: string;
  uri: string;
  uploaded_to?: string;
  upload_skipped?: string;
  stored_at: string;
}

const NEWLINE = 0x0a;
const TAIL_PROBE = 64 * 1024;

/**
 * Appends entries, one line each, with one write and one `fdatasync` before returning. A killed
 * writer can leave a last line without its newline; it is cut off first, so a new line never
 * glues onto a fragment. Callers serialize appends to one index (one writer per execution).
 */
export function appendIndexEntries(file: string, entries: readonly IndexEntry[]): void {
  if (entries.length === 0) return;
  const fd = openSync(file, 'a+', 0o600);
  try {
    dropTornTail(fd);
    writeSync(fd, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads an index; a torn last line is what a killed writer leaves and is ignored, a bad line before it is damage. */
export async function readIndex(file: string): Promise<IndexEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n');
  // Whatever follows the last newline was never completed.
  lines.pop();
  return lines.map((line, index) => {
    try {
      return JSON.parse(line) as IndexEntry;
    } catch (error) {
      throw new TerminalError(`The artifact index ${file} is damaged at line ${index + 1}; restore it from a backup or remove that line by hand`, { cause: error });
    }
  });
}

function dropTornTail(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const probe = Buffer.alloc(Math.min(size, TAIL_PROBE));
  readSync(fd, probe, 0, probe.length, size - probe.length);
  if (probe[probe.length - 1] === NEWLINE) return;
  const lastNewline = probe.lastIndexOf(NEWLINE);
  // A fragment longer than the probe is not a torn line but a broken file: leave it for the reader to report.
  if (lastNewline === -1 && probe.length < size) return;
  ftruncateSync(fd, size - probe.length + lastNewline + 1);
}
