import { closeSync, fdatasync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { ExecutionSummary, ListPage, ListRequest } from './state-store.js';
import { comesAfter, completeSummary, decodeCursor, listLimit, matchesFilter, pageOf, positionOf, type SummaryChange } from './summary.js';

const fdatasyncAsync = promisify(fdatasync);

/** One line of `index.ndjson`: a full summary, a change to one, or a removal. */
type IndexRecord = ({ execution_id: string } & Partial<ExecutionSummary>) | { execution_id: string; removed: true };

/**
 * The file store's list of executions: `index.ndjson`, append-only like the ledgers. A record
 * is written when an execution is created, when it finishes (or `state set` changes its
 * status), and when it is removed; `list` folds the records, later ones winning. A line torn by
 * a killed writer is skipped, and the next writer starts on a fresh line so it cannot glue its
 * record to the fragment. The index is derived data: a record lost in a crash between the
 * ledger's write and this one hides the execution from `list`, never from `read`.
 */
export class FileIndex {
  private fd = -1;

  constructor(private readonly path: string) {}

  /**
   * Writes one record as one `write` to an `O_APPEND` file, so records of concurrent processes
   * never mix within a line. Durable after `sync()`.
   */
  write(executionId: string, change: SummaryChange | 'removed'): void {
    const record: IndexRecord =
      change === 'removed'
        ? { execution_id: executionId, removed: true }
        : {
            execution_id: executionId,
            ...(change.created ? { pipeline: change.created.pipeline, created_at: change.created.created_at, trigger: change.created.trigger, commit_sha: change.created.commit_sha } : {}),
            ...(change.status ? { status: change.status } : {}),
            ...(change.finished_at ? { finished_at: change.finished_at } : {}),
          };
    writeSync(this.open(), `${JSON.stringify(record)}\n`);
  }

  async sync(): Promise<void> {
    if (this.fd !== -1) await fdatasyncAsync(this.fd);
  }

  async list(request: ListRequest): Promise<ListPage> {
    const limit = listLimit(request);
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    const summaries = [...(await this.readAll()).values()]
      .filter((summary) => matchesFilter(summary, request))
      .map((summary) => ({ summary, position: positionOf(summary) }))
      .filter(({ position }) => after === undefined || comesAfter(position, after))
      .sort((a, b) => (comesAfter(a.position, b.position) ? 1 : comesAfter(b.position, a.position) ? -1 : 0))
      .map(({ summary }) => summary);
    return pageOf(summaries, limit);
  }

  close(): void {
    if (this.fd !== -1) closeSync(this.fd);
    this.fd = -1;
  }

  private open(): number {
    if (this.fd !== -1) return this.fd;
    this.fd = openSync(this.path, 'a+', 0o644);
    const size = fstatSync(this.fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(this.fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) writeSync(this.fd, '\n');
    }
    return this.fd;
  }

  private async readAll(): Promise<Map<string, ExecutionSummary>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    const merged = new Map<string, Partial<ExecutionSummary>>();
    for (const line of text.split('\n')) {
      const record = parseRecord(line);
      if (!record) continue;
      if ('removed' in record) {
        merged.delete(record.execution_id);
        continue;
      }
      merged.set(record.execution_id, { ...merged.get(record.execution_id), ...record });
    }
    const complete = new Map<string, ExecutionSummary>();
    for (const [id, fields] of merged) {
      // Only executions whose creation was recorded can be listed (a pipeline and a time).
      const summary = completeSummary(fields);
      if (summary) complete.set(id, summary);
    }
    return complete;
  }
}

function parseRecord(line: string): IndexRecord | undefined {
  if (line === '') return undefined;
  try {
    const record = JSON.parse(line) as IndexRecord;
    return typeof record === 'object' && record !== null && typeof record.execution_id === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}
