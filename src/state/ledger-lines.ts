import { UsageError } from '../errors.js';
import { CorruptLedgerError } from './errors.js';
import type { LedgerEvent, NewEvent } from './events.js';

/**
 * One ledger line is one event as JSON, `seq` and `execution_id` first so a line reads well in
 * `tail -f`. Both stores write the same lines. The file store marks every line but the last of
 * a multi-event append with `"batch_end": <last seq of the append>`: a reader then knows an
 * append is whole only once its last line is there, so a write torn between two lines of one
 * append is dropped as a unit (appends are all or none). The marker never leaves the store.
 */
const NEWLINE = 0x0a;

/** Ids become file names and key parts: keep them to what a UUID or a slug needs. */
const EXECUTION_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

export function assertExecutionId(executionId: string): void {
  if (!EXECUTION_ID.test(executionId)) {
    throw new UsageError(`Expected an execution id of letters, digits, '.', '_' or '-' (at most 200, starting with a letter or digit), got ${JSON.stringify(executionId)}`);
  }
}

/**
 * The JSON of an event without its envelope, minus the opening brace and with a leading comma
 * (`,"type":…}`): the store prefixes `{"seq":N,"execution_id":"…"` once it knows N. Encoded
 * before the sequence number is known, so the Redis script can number lines without parsing.
 */
export function encodeBody(event: NewEvent): string {
  const { seq: _seq, execution_id: _executionId, ...body } = event as NewEvent & { seq?: unknown; execution_id?: unknown };
  const json = JSON.stringify(body);
  return json === '{}' ? '}' : `,${json.slice(1)}`;
}

/** The first half of a line: `{"seq":N,"execution_id":"…"` plus the batch marker when given. */
function encodeHead(seq: number, executionIdJson: string, batchEnd?: number): string {
  return batchEnd === undefined ? `{"seq":${seq},"execution_id":${executionIdJson}` : `{"seq":${seq},"execution_id":${executionIdJson},"batch_end":${batchEnd}`;
}

/** The lines of one file append, newline-terminated, as one string to write at once. */
export function encodeBatch(executionId: string, firstSeq: number, bodies: readonly string[]): string {
  const idJson = JSON.stringify(executionId);
  const lastSeq = firstSeq + bodies.length - 1;
  let text = '';
  for (let index = 0; index < bodies.length; index++) {
    const seq = firstSeq + index;
    text += `${encodeHead(seq, idJson, seq === lastSeq ? undefined : lastSeq)}${bodies[index]}\n`;
  }
  return text;
}

/** Parses one stored line into an event (used for Redis entries, which are never torn). */
export function decodeLine(line: string, source = 'a Redis ledger'): LedgerEvent {
  let event: LedgerEvent & { batch_end?: number };
  try {
    event = JSON.parse(line) as LedgerEvent & { batch_end?: number };
  } catch (error) {
    throw new CorruptLedgerError(`${source} holds a line that is not JSON: ${line.slice(0, 120)}`, { cause: error });
  }
  if (event.batch_end !== undefined) delete event.batch_end;
  return event;
}

export interface ParsedLedger {
  events: LedgerEvent[];
  /** Bytes from the start of the buffer up to the end of the last whole append. */
  committedBytes: number;
  /** Seq of the last event of the last whole append, or `afterSeq` when there is none. */
  lastSeq: number;
}

/**
 * Parses ledger bytes into whole appends. A trailing fragment — a line without its newline, or
 * the first lines of an append whose last line is missing — is what a killed writer leaves:
 * it is not returned and `committedBytes` stops before it. A bad line followed by more lines is
 * damage, not a torn end: `CorruptLedgerError`.
 *
 * @param expectSeq when given, the seq the first line must carry; seqs must then be contiguous.
 */
export function parseLedger(buffer: Buffer, options: { source: string; baseOffset?: number; expectSeq?: number }): ParsedLedger {
  const events: LedgerEvent[] = [];
  let pending: LedgerEvent[] = [];
  let committedBytes = 0;
  let nextSeq = options.expectSeq;
  let lastSeq = (options.expectSeq ?? 1) - 1;
  let start = 0;
  while (start < buffer.length) {
    const end = buffer.indexOf(NEWLINE, start);
    if (end === -1) break;
    const event = parseEventLine(buffer, start, end, nextSeq);
    if (event === undefined) {
      if (buffer.indexOf(NEWLINE, end + 1) !== -1) {
        throw new CorruptLedgerError(
          `Ledger ${options.source} is damaged at byte ${(options.baseOffset ?? 0) + start}: the line there is not an event that follows seq ${nextSeq === undefined ? '?' : nextSeq - 1}, and more lines follow it. ` +
            'Nothing was changed; restore the file from a backup or an archive, or cut it at that line by hand.',
        );
      }
      break;
    }
    pending.push(event);
    nextSeq = event.seq + 1;
    const batchEnd = (event as { batch_end?: number }).batch_end;
    if (batchEnd === undefined || batchEnd === event.seq) {
      for (const whole of pending) {
        delete (whole as { batch_end?: number }).batch_end;
        events.push(whole);
      }
      pending = [];
      committedBytes = end + 1;
      lastSeq = event.seq;
    }
    start = end + 1;
  }
  return { events, committedBytes, lastSeq };
}

function parseEventLine(buffer: Buffer, start: number, end: number, expectSeq: number | undefined): LedgerEvent | undefined {
  let event: unknown;
  try {
    event = JSON.parse(buffer.toString('utf8', start, end));
  } catch {
    return undefined;
  }
  if (typeof event !== 'object' || event === null) return undefined;
  const seq = (event as { seq?: unknown }).seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  if (expectSeq !== undefined && seq !== expectSeq) return undefined;
  return event as LedgerEvent;
}
