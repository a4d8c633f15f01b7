import type { OutputLine } from './executor.js';

/** Turns one output stream's chunks into lines. */
export interface LineSink {
  push(chunk: Buffer): void;
  /** The stream ended: a last line without a newline is emitted too. */
  end(): void;
}

export interface LineSplitterOptions {
  stream: OutputLine['stream'];
  /** Longest line kept, in UTF-8 bytes; longer lines are cut and marked. */
  maxLineBytes: number;
  /** Applied to every line before it leaves, so secrets never reach `onLine`. */
  redact: (text: string) => string;
  /** Bytes kept past the cap so a secret straddling it is still masked whole before the cut. */
  slackBytes: number;
  onLine: (line: OutputLine) => void;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into lines on `\n`, dropping a `\r` before it (CRLF). Lines are decoded
 * only once whole, so a multi-byte character split across chunks survives. Memory per stream
 * is bounded: past `maxLineBytes + slackBytes` a line's bytes are counted, not kept, and the
 * line leaves cut at the cap with a marker saying how long it was.
 */
export function makeLineSplitter(options: LineSplitterOptions): LineSink {
  const keepLimit = options.maxLineBytes + options.slackBytes;
  let parts: Buffer[] = [];
  let kept = 0;
  let total = 0;

  const append = (bytes: Buffer) => {
    total += bytes.length;
    const room = keepLimit - kept;
    if (room <= 0 || bytes.length === 0) return;
    const piece = bytes.length <= room ? bytes : bytes.subarray(0, room);
    parts.push(piece);
    kept += piece.length;
  };

  const flush = () => {
    let bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, kept);
    let length = total;
    if (total === kept && bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) {
      bytes = bytes.subarray(0, bytes.length - 1);
      length--;
    }
    let text = options.redact(bytes.toString('utf8'));
    if (length > options.maxLineBytes) text = `${cutUtf8(text, options.maxLineBytes)} [truncated: line of ${length} bytes]`;
    parts = [];
    kept = 0;
    total = 0;
    emit(options, text);
  };

  return {
    push(chunk) {
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(NEWLINE, start);
        if (newline === -1) {
          append(start === 0 ? chunk : chunk.subarray(start));
          return;
        }
        append(chunk.subarray(start, newline));
        flush();
        start = newline + 1;
      }
    },
    end() {
      if (total > 0) flush();
    },
  };
}

/** Emits text that may hold several lines (an HTTP body, an SQL error), each through the same cap and redaction. */
export function emitText(options: Omit<LineSplitterOptions, 'slackBytes'> & { slackBytes?: number }, text: string): void {
  const splitter = makeLineSplitter({ slackBytes: 0, ...options });
  splitter.push(Buffer.from(text));
  splitter.end();
}

function emit(options: LineSplitterOptions, text: string): void {
  try {
    options.onLine({ stream: options.stream, at: new Date().toISOString(), text });
  } catch {
    // A failing log sink must not break capture of the task, nor take the orchestrator down.
  }
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8 without splitting a character. */
function cutUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character the cut fell in.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
