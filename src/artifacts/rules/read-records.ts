import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { readCsvRecords } from './read-csv.js';
import { readJsonArray } from './read-json-array.js';

/** One row of a dataset: column name to value; CSV values are strings, JSON values anything. */
export type DataRecord = Readonly<Record<string, unknown>>;

export type DataFormat = 'csv' | 'jsonl' | 'json';

const FORMATS: Record<string, DataFormat> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json' };

/** The format a file is read as, by its extension; undefined when rules cannot read it. */
export function formatOf(file: string): DataFormat | undefined {
  return FORMATS[extname(file).toLowerCase()];
}

/**
 * The records of a dataset file, streamed. Throws, naming the file and the line or element,
 * when the content is not what its extension says.
 */
export async function* readRecords(file: string): AsyncGenerator<DataRecord> {
  const format = formatOf(file);
  const name = basename(file);
  if (format === undefined) {
    throw new Error(`${name} cannot be read by validation rules: only .csv, .jsonl, .ndjson and .json files are`);
  }
  const text = () => createReadStream(file, { encoding: 'utf8' }) as AsyncIterable<string>;
  if (format === 'csv') {
    yield* readCsvRecords(text(), name);
    return;
  }
  if (format === 'json') {
    let index = 0;
    for await (const element of readJsonArray(text(), name)) {
      index++;
      yield asRecord(element, `${name}: element ${index} of the array`);
    }
    return;
  }
  let line = 0;
  for await (const raw of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    line++;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new Error(`${name} line ${line} is not JSON (${(error as Error).message})`, { cause: error });
    }
    yield asRecord(value, `${name} line ${line}`);
  }
}

function asRecord(value: unknown, where: string): DataRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where} is not an object with named columns`);
  }
  return value as DataRecord;
}
