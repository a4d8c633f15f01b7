import { mkdirSync, watch as watchDirectory, type FSWatcher } from 'node:fs';
import { appendFile, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TerminalError } from '../errors.js';
import { BufferedLogStore } from './buffered-log-store.js';
import type { LogBatch, LogBufferOptions } from './log-buffer.js';
import { decodeRecord } from './log-records.js';
import { openExisting } from './open-existing.js';
import type { LogRecord } from './log-store.js';

export interface FileLogStoreOptions extends LogBufferOptions {
  /** Holds `<execution-id>.ndjson`, one line per record; created when missing. */
  directory: string;
  /** How often `follow` looks for lines written by other processes that `fs.watch` missed. @defaultValue 500 */
  pollIntervalMs?: number;
}

const SUFFIX = '.ndjson';

/**
 * Task output under the work directory, one NDJSON file per execution. Appends are buffered and
 * written in batches, in order, by one chain of writes. Lines are not fsynced: output is for
 * reading, the ledger holds the facts, and a kill loses at most the last interval's lines. A
 * line cut short by a kill is never returned.
 */
export class FileLogStore extends BufferedLogStore {
  private readonly listeners = new Set<(executionId: string) => void>();
  /** Files this store has written to: their last line is known to be whole. */
  private readonly continued = new Set<string>();

  constructor(private readonly options: FileLogStoreOptions) {
    super('file', options);
    // Task output is the orchestrator user's to read, like the ledger and the artifacts.
    mkdirSync(options.directory, { recursive: true, mode: 0o700 });
  }

  protected async readStored(executionId: string, last: number | undefined): Promise<LogRecord[]> {
    let text: string;
    try {
      // The last N of every task (`logs` by default) need only the file's end, however long it is.
      text = last !== undefined ? await readTail(this.pathOf(executionId), last) : await readFile(this.pathOf(executionId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.failed('read the logs of', executionId, error);
    }
    return this.decode(text);
  }

  protected async *followStored(executionId: string, { fromStart, signal }: { fromStart: boolean; signal: AbortSignal }): AsyncIterable<LogRecord> {
    const path = this.pathOf(executionId);
    let wake: (() => void) | undefined;
    let changed = true;
    const notify = () => {
      changed = true;
      wake?.();
    };
    const listener = (id: string) => id === executionId && notify();
    this.listeners.add(listener);
    signal.addEventListener('abort', notify, { once: true });
    let watcher: FSWatcher | undefined;
    try {
      watcher = watchDirectory(this.options.directory, (_event, name) => name === `${executionId}${SUFFIX}` && notify());
      watcher.on('error', () => watcher?.close());
    } catch {
      // No inotify watches left: the poll below still finds new lines.
    }
    const poll = setInterval(notify, this.options.pollIntervalMs ?? 500);
    try {
      // "From now on" is the file's size at this call; a later partial line is finished first.
      let offset = fromStart ? 0 : ((await stat(path).catch(() => undefined))?.size ?? 0);
      while (!signal.aborted) {
        if (!changed) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        changed = false;
        if (signal.aborted) return;
        const { records, nextOffset } = await this.readFrom(path, offset);
        offset = nextOffset;
        yield* records;
      }
    } finally {
      clearInterval(poll);
      watcher?.close();
      signal.removeEventListener('abort', notify);
      this.listeners.delete(listener);
    }
  }

  protected async removeStored(executionId: string): Promise<void> {
    this.continued.delete(executionId);
    await unlink(this.pathOf(executionId)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw this.failed('remove the logs of', executionId, error);
    });
  }

  protected async write(batch: LogBatch): Promise<void> {
    for (const [executionId, lines] of batch) {
      try {
        const path = this.pathOf(executionId);
        const start = this.continued.has(executionId) || (await endsWithNewline(path)) ? '' : '\n';
        this.continued.add(executionId);
        await appendFile(path, `${start}${lines.join('\n')}\n`, { mode: 0o600 });
      } catch (error) {
        throw this.failed('write the logs of', executionId, error);
      }
      for (const listener of this.listeners) listener(executionId);
    }
  }

  /** Complete lines from `offset` on; a trailing partial line waits for its newline. */
  private async readFrom(path: string, offset: number): Promise<{ records: LogRecord[]; nextOffset: number }> {
    const found = await stat(path).catch(() => undefined);
    // Missing, or removed and written again since: start over from its first byte.
    const from = found && found.size >= offset ? offset : 0;
    if (!found || found.size === from) return { records: [], nextOffset: from };
    const handle = await open(path, 'r');
    try {
      const bytes = Buffer.alloc(found.size - from);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, from);
      const end = bytes.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
      return { records: this.decode(bytes.subarray(0, end).toString('utf8')), nextOffset: from + end };
    } finally {
      await handle.close();
    }
  }

  private decode(text: string): LogRecord[] {
    const lines = text.split('\n');
    lines.pop();
    return lines.map(decodeRecord).filter((record) => record !== undefined);
  }

  private pathOf(executionId: string): string {
    return join(this.options.directory, `${executionId}${SUFFIX}`);
  }

  private failed(action: string, executionId: string, error: unknown): Error {
    return new TerminalError(`Could not ${action} execution ${executionId}: ${(error as Error).message}. Check that the work directory (ORCHESTRATION_WORKDIR) is writable and has free space.`, { cause: error });
  }
}

/** False when a kill cut the file's last line short: the next write must not continue it. */
async function endsWithNewline(path: string): Promise<boolean> {
  const handle = await openExisting(path);
  if (!handle) return true;
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

const TAIL_CHUNK = 64 * 1024;

/**
 * The file from the start of its last `lines` whole lines (plus any partial one after them),
 * read backwards in chunks. A line torn before them would only have been skipped anyway.
 */
async function readTail(path: string, lines: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    let start = size;
    let chunks: Buffer[] = [];
    let newlines = 0;
    // One more newline than lines wanted: the one that ends the line before them.
    while (start > 0 && newlines <= lines) {
      const length = Math.min(TAIL_CHUNK, start);
      start -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, start);
      chunks = [chunk, ...chunks];
      for (const byte of chunk) if (byte === 0x0a) newlines++;
    }
    const bytes = Buffer.concat(chunks);
    if (start === 0 && newlines <= lines) return bytes.toString('utf8');
    // Cut at the newline that ends the line just before the last `lines` ones.
    let cut = bytes.length;
    for (let seen = 0; seen <= lines; ) if (bytes[--cut] === 0x0a) seen++;
    return bytes.subarray(cut + 1).toString('utf8');
  } finally {
    await handle.close();
  }
}
