import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../src/artifacts/rules/read-csv.js';
import { readJsonArray } from '../../src/artifacts/rules/read-json-array.js';

/**
 * Any table written the way a CSV writer quotes it (and any array of JSON values) reads back
 * exactly, however the text is cut into chunks: the readers stream, so every boundary matters.
 */

async function* chunks(text: string, cuts: readonly number[]): AsyncGenerator<string> {
  let at = 0;
  for (const size of cuts) {
    if (at >= text.length) return;
    yield text.slice(at, at + size);
    at += size;
  }
  if (at < text.length) yield text.slice(at);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Quotes a field when it holds a delimiter, a quote, a line break, or nothing at all. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value;
}

const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '1'), maxLength: 8 });
const cuts = fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 40 });

describe('record readers read back what a writer wrote', () => {
  it('CSV with quoted fields, in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { maxLength: 6 }), cuts, fc.boolean(), async (width, rows, cutSizes, crlf) => {
        const header = Array.from({ length: width }, (_, index) => `c${index}`);
        const table = rows.map((row) => row.slice(0, width));
        const newline = crlf ? '\r\n' : '\n';
        const text = [header, ...table].map((row) => row.map(csvField).join(',')).join(newline) + newline;
        const records = await collect(readCsvRecords(chunks(text, cutSizes), 't.csv'));
        // A one-column row holding an empty field is a blank line, which readers skip.
        const expected = table.filter((row) => !(width === 1 && row[0] === '')).map((row) => Object.fromEntries(header.map((name, index) => [name, row[index]])));
        expect(records).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('JSON arrays of any values, in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }), cuts, fc.boolean(), async (values, cutSizes, pretty) => {
        const text = JSON.stringify(values, null, pretty ? 2 : undefined);
        expect(await collect(readJsonArray(chunks(text, cutSizes), 't.json'))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
});
