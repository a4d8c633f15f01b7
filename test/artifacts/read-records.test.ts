import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../src/artifacts/rules/read-csv.js';
import { readJsonArray } from '../../src/artifacts/rules/read-json-array.js';
import { readRecords } from '../../src/artifacts/rules/read-records.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Feeds text in pieces of `size` characters, so every token boundary falls between chunks somewhere. */
async function* chunked(text: string, size: number): AsyncGenerator<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const CSV = 'id,name,note\r\n1,"Smith, Ann","said ""hi""\nthen left"\r\n2,Bob,\n\n3,"",plain\n4,Eve';

describe('CSV records', () => {
  it.each([1, 2, 3, 7, 1000])('reads quoted fields, embedded commas, quotes and newlines, CRLF, blank lines in chunks of %i', async (size) => {
    expect(await collect(readCsvRecords(chunked(CSV, size), 'x.csv'))).toEqual([
      { id: '1', name: 'Smith, Ann', note: 'said "hi"\nthen left' },
      { id: '2', name: 'Bob', note: '' },
      { id: '3', name: '', note: 'plain' },
      { id: '4', name: 'Eve' },
    ]);
  });

  it('names the file and line of a stray quote and of a quote never closed', async () => {
    await expect(collect(readCsvRecords(chunked('a,b\n1,x"y\n', 4), 'x.csv'))).rejects.toThrow('x.csv line 2: a quote inside an unquoted field');
    await expect(collect(readCsvRecords(chunked('a,b\n1,"open\n2,3\n', 4), 'x.csv'))).rejects.toThrow('x.csv: a quoted field opened before line 4 is never closed');
  });
});

describe('JSON array records', () => {
  const JSON_TEXT = ' [ {"id": 1, "s": "a ] , } [ \\" x"}, {"id": 2, "nested": {"list": [1, [2]]}} ,{"id":3}]\n';
  it.each([1, 2, 5, 1000])('streams elements with brackets and escapes inside strings in chunks of %i', async (size) => {
    expect(await collect(readJsonArray(chunked(JSON_TEXT, size), 'x.json'))).toEqual([{ id: 1, s: 'a ] , } [ " x' }, { id: 2, nested: { list: [1, [2]] } }, { id: 3 }]);
  });

  it.each([
    ['an empty array', '[ ]', []],
  ])('reads %s', async (_name, text, expected) => {
    expect(await collect(readJsonArray(chunked(text, 1), 'x.json'))).toEqual(expected);
  });

  it.each([
    ['an object instead of an array', '{"rows": []}', 'x.json is not a JSON array of records (it starts with `{`)'],
    ['an array cut short', '[{"id":1},{"id"', 'x.json ends before its JSON array is closed'],
    ['a bad element', '[{"id":1},{id:2}]', 'x.json: element 2 of the array is not valid JSON'],
    ['text after the array', '[1] 2', 'x.json has text after the closing `]` of its array'],
  ])('rejects %s', async (_name, text, message) => {
    await expect(collect(readJsonArray(chunked(text, 3), 'x.json'))).rejects.toThrow(message);
  });
});

describe('readRecords by extension', () => {
  it('reads .csv, .jsonl, .ndjson and .json files the same way', async () => {
    using dir = makeTempDir();
    const files = [
      dir.write('a.csv', 'id,v\n1,x\n2,y\n'),
      dir.write('a.jsonl', '{"id":"1","v":"x"}\n\n{"id":"2","v":"y"}\n'),
      dir.write('a.ndjson', '{"id":"1","v":"x"}\r\n{"id":"2","v":"y"}'),
      dir.write('a.json', '[{"id":"1","v":"x"},{"id":"2","v":"y"}]'),
    ];
    for (const file of files) expect(await collect(readRecords(file))).toEqual([{ id: '1', v: 'x' }, { id: '2', v: 'y' }]);
  });

  it('names the line of a bad JSON Lines record, a record that is not an object, and an unreadable format', async () => {
    using dir = makeTempDir();
    await expect(collect(readRecords(dir.write('a.jsonl', '{"id":1}\n{"id":\n')))).rejects.toThrow('a.jsonl line 2 is not JSON');
    await expect(collect(readRecords(dir.write('b.jsonl', '{"id":1}\n[1,2]\n')))).rejects.toThrow('b.jsonl line 2 is not an object with named columns');
    await expect(collect(readRecords(dir.write('c.parquet', 'PAR1')))).rejects.toThrow('c.parquet cannot be read by validation rules: only .csv, .jsonl, .ndjson and .json files are');
  });
});
