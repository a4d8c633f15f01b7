import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { measureNestingDepth } from './nesting-depth.js';

/** Guards against hostile or accidental input; every limit has a clear error. */
export interface LoadLimits {
  /** @defaultValue 10 MiB */
  maxFileBytes: number;
  /** Aliases expanded while building the value; YAML bombs exceed it. @defaultValue 1000 */
  maxAliasCount: number;
  /** Nested mappings and sequences. @defaultValue 64 */
  maxDepth: number;
}

export const DEFAULT_LOAD_LIMITS = { maxFileBytes: 10 * 1024 * 1024, maxAliasCount: 1000, maxDepth: 64 } satisfies LoadLimits;

export type LoadProblemCode = 'file-unreadable' | 'file-too-large' | 'invalid-utf8' | 'yaml-syntax' | 'duplicate-key' | 'alias-limit' | 'nesting-depth';

/** A problem found before the pipeline could be read; `offset` is a UTF-16 index into the text. */
export interface LoadProblem {
  code: LoadProblemCode;
  message: string;
  offset: number;
  endOffset?: number;
}

export interface PipelineSource {
  /** Absolute path. */
  file: string;
  text: string;
  lineCounter: LineCounter;
  doc: Document.Parsed;
  /** The plain value of the document; `undefined` when it could not be built. */
  value: unknown;
}

export type LoadResult = { source?: PipelineSource; text?: string; lineCounter?: LineCounter; problems: LoadProblem[] };

/** Reads and parses one pipeline file, keeping positions; never throws for bad input. */
export function loadPipelineSource(file: string, limits: LoadLimits = DEFAULT_LOAD_LIMITS): LoadResult {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > limits.maxFileBytes) {
      return { problems: [{ code: 'file-too-large', offset: 0, message: `File is ${size} bytes, over the limit of ${limits.maxFileBytes} bytes; split the pipeline or raise \`--max-file-size\`` }] };
    }
    bytes = readFileSync(file);
  } catch (error) {
    return { problems: [{ code: 'file-unreadable', offset: 0, message: `Cannot read the file: ${(error as Error).message}` }] };
  }
  return parsePipelineText(file, bytes, limits);
}

export function parsePipelineText(file: string, bytes: Buffer, limits: LoadLimits = DEFAULT_LOAD_LIMITS): LoadResult {
  const text = bytes.toString('utf8');
  const lineCounter = new LineCounter();
  const badByte = firstInvalidUtf8Byte(bytes, text);
  if (badByte !== undefined) {
    const offset = Buffer.from(bytes.subarray(0, badByte)).toString('utf8').length;
    indexLines(text, lineCounter);
    return { text, lineCounter, problems: [{ code: 'invalid-utf8', offset, message: `Invalid UTF-8 at byte ${badByte} (0x${bytes[badByte]?.toString(16).padStart(2, '0')}); save the file as UTF-8` }] };
  }
  const depth = measureNestingDepth(text, limits.maxDepth);
  if (depth.exceededAt !== undefined) {
    indexLines(text, lineCounter);
    return { text, lineCounter, problems: [{ code: 'nesting-depth', offset: depth.exceededAt, message: `Nesting deeper than ${limits.maxDepth} levels; a pipeline never needs this, so the file is not parsed` }] };
  }
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, keepSourceTokens: false });
  const problems: LoadProblem[] = doc.errors.map((error) => ({
    code: error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax',
    message: cleanYamlMessage(error.message),
    offset: error.pos[0],
    endOffset: error.pos[1],
  }));
  if (problems.length > 0) return { text, lineCounter, problems };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    const offset = Math.max(0, text.indexOf('*'));
    const message = error instanceof ReferenceError && /alias/i.test(error.message)
      ? `Aliases expand to more than ${limits.maxAliasCount} nodes (a "YAML bomb"); write the values out or use fewer nested aliases`
      : `Cannot build the document: ${(error as Error).message}`;
    return { text, lineCounter, problems: [{ code: 'alias-limit', offset, message }] };
  }
  return { source: { file, text, lineCounter, doc, value }, problems: [] };
}

function firstInvalidUtf8Byte(bytes: Buffer, decoded: string): number | undefined {
  // A round trip changes the bytes exactly where the decoder had to substitute U+FFFD.
  if (!decoded.includes('\uFFFD')) return undefined;
  const again = Buffer.from(decoded, 'utf8');
  const length = Math.min(again.length, bytes.length);
  for (let index = 0; index < length; index++) if (again[index] !== bytes[index]) return index;
  return again.length === bytes.length ? undefined : length;
}

function indexLines(text: string, lineCounter: LineCounter): void {
  lineCounter.addNewLine(0);
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lineCounter.addNewLine(index + 1);
}

function cleanYamlMessage(message: string): string {
  // The parser appends "at line N, column M" and a code frame; findings carry their own location.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}
