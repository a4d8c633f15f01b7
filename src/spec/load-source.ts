import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from 'yaml';
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

/**
 * `source` is present whenever a document could be built, even after syntax errors the parser
 * recovered from: one typo must not hide every other problem in the file.
 */
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
  // Lines are indexed from the text, not by the parser: after a syntax error it stops reporting
  // the newlines inside block scalars, which shifts every later position.
  indexLines(text, lineCounter);
  // `logLevel: 'error'`: the parser's warnings (a mapping used as a key) would go to process.emitWarning,
  // printing Node's warning banner on stderr; the schema check reports such keys instead.
  const doc = parseDocument(text, { prettyErrors: false, keepSourceTokens: false, logLevel: 'error' });
  const problems: LoadProblem[] = doc.errors.map((error) => yamlProblem(doc, text, error));
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    const offset = bombAliasOffset(doc) ?? 0;
    const message = error instanceof ReferenceError && /alias/i.test(error.message)
      ? `Aliases expand to more than ${limits.maxAliasCount} nodes (a "YAML bomb"); write the values out or use fewer nested aliases`
      : `Cannot build the document: ${(error as Error).message}`;
    return { text, lineCounter, problems: [...problems, { code: 'alias-limit', offset, message }] };
  }
  return { source: { file, text, lineCounter, doc, value }, text, lineCounter, problems };
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

function yamlProblem(doc: Document.Parsed, text: string, error: YAMLError): LoadProblem {
  const endOffset = error.pos[1];
  let offset = error.pos[0];
  let message = cleanYamlMessage(error.message);
  if (error.code === 'MISSING_CHAR' && /quote/.test(message)) {
    // The parser reports where the text ran out; the quote that was never closed is what to fix.
    const opening = quotedScalarEndingAt(doc, offset);
    if (opening !== undefined) {
      message = `The string opened here is never closed; add the closing \`${text[opening]}\``;
      offset = opening;
    }
  }
  // `- type:Promote` is one plain string; with a `config:` below it the parser stops at it.
  const glued = /^([A-Za-z_][\w-]*):([A-Za-z_]\S*)/.exec(text.slice(offset, offset + 200));
  if (glued) message += `; YAML needs a space after the colon: \`${glued[1]}: ${glued[2]}\``;
  return { code: error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax', message, offset, endOffset };
}

function quotedScalarEndingAt(doc: Document.Parsed, end: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range?.[1] === end) {
        start = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}

/** The first alias whose target itself holds aliases: where nesting makes the expansion explode. */
function bombAliasOffset(doc: Document.Parsed): number | undefined {
  let first: number | undefined;
  let nested: number | undefined;
  const holdsAliases = new Map<Node, boolean>();
  visit(doc, {
    Alias(_, alias) {
      first ??= alias.range?.[0];
      const target = alias.resolve(doc);
      if (!target) return undefined;
      let found = holdsAliases.get(target);
      if (found === undefined) {
        found = false;
        visit(target, { Alias: () => { found = true; return visit.BREAK; } });
        holdsAliases.set(target, found);
      }
      if (!found) return undefined;
      nested = alias.range?.[0];
      return visit.BREAK;
    },
  });
  return nested ?? first;
}

function cleanYamlMessage(message: string): string {
  // The parser appends "at line N, column M" and a code frame; findings carry their own location.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}
