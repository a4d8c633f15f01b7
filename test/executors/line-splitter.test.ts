import { describe, expect, it } from 'vitest';
import type { OutputLine } from '../../src/executors/executor.js';
import { makeLineSplitter } from '../../src/executors/line-splitter.js';
import { makeRedactor } from '../../src/executors/redact.js';

function split(chunks: (string | Buffer)[], options: { maxLineBytes?: number; secrets?: string[] } = {}): string[] {
  const lines: OutputLine[] = [];
  const secrets = options.secrets ?? [];
  const splitter = makeLineSplitter({
    stream: 'stdout',
    maxLineBytes: options.maxLineBytes ?? 64,
    slackBytes: Math.max(0, ...secrets.map((secret) => Buffer.byteLength(secret))),
    redact: makeRedactor(secrets),
    onLine: (line) => lines.push(line),
  });
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.end();
  return lines.map((line) => line.text);
}

describe('makeLineSplitter', () => {
  const euro = Buffer.from('€');
  it.each([
    { name: 'lines across chunks', chunks: ['ab', 'c\nd', 'e\n'], want: ['abc', 'de'] },
    { name: 'a partial last line', chunks: ['a\nb'], want: ['a', 'b'] },
    { name: 'CRLF', chunks: ['a\r', '\nb\r\n'], want: ['a', 'b'] },
    { name: 'a lone CR stays', chunks: ['a\rb\n'], want: ['a\rb'] },
    { name: 'empty lines', chunks: ['\n\n'], want: ['', ''] },
    { name: 'nothing', chunks: [], want: [] },
    { name: 'a multi-byte character split across chunks', chunks: [euro.subarray(0, 1), Buffer.concat([euro.subarray(1), Buffer.from('\n')])], want: ['€'] },
  ])('$name', ({ chunks, want }) => {
    expect(split(chunks)).toEqual(want);
  });

  it('cuts a long line at a character boundary and says how long it was', () => {
    expect(split(['€€€€\nok\n'], { maxLineBytes: 7 })).toEqual(['€€ [truncated: line of 12 bytes]', 'ok']);
  });

  it('masks a secret that straddles the cap before cutting', () => {
    const [line] = split([`${'a'.repeat(8)}hunter2${'b'.repeat(100)}\n`], { maxLineBytes: 10, secrets: ['hunter2'] });
    expect(line).toBe('aaaaaaaa[r [truncated: line of 115 bytes]');
    expect(line).not.toContain('hu');
  });
});

describe('makeRedactor', () => {
  it.each([
    { name: 'every occurrence', secrets: ['s3cr3t'], text: 's3cr3t and s3cr3t', want: '[redacted] and [redacted]' },
    { name: 'the longer of overlapping secrets first', secrets: ['abc', 'abcdef'], text: 'xabcdefx', want: 'x[redacted]x' },
    { name: 'regex characters literally', secrets: ['a.b*c'], text: 'a.b*c axbbc', want: '[redacted] axbbc' },
    { name: 'each line of a multi-line secret', secrets: ['line-one\nline-two'], text: 'line-two', want: '[redacted]' },
    { name: 'empty secrets are ignored', secrets: [''], text: 'unchanged', want: 'unchanged' },
  ])('$name', ({ secrets, text, want }) => {
    expect(makeRedactor(secrets)(text)).toBe(want);
  });
});
