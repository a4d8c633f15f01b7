import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** A path into the pipeline value: mapping keys and sequence indexes. */
export type ValuePath = readonly (string | number)[];

/** 1-based positions, as editors and SARIF count them. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Located {
  offset: number;
  endOffset: number;
}

/**
 * Finds the source range of a value (or of its key, with `key: true`).
 * When the path runs past the document (a missing field), it falls back to the
 * nearest existing ancestor, so every finding still points inside the file.
 */
export function locatePath(doc: Document, path: ValuePath, options: { key?: boolean } = {}): Located {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  let best: Located | undefined = rangeOf(node);
  for (const segment of path) {
    let next: unknown;
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && scalarKey(item.key) === String(segment));
      if (pair) {
        next = pair.value;
        keyNode = isNode(pair.key) ? pair.key : undefined;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (next === undefined || next === null) {
      return keyNode ? (rangeOf(keyNode) ?? best ?? { offset: 0, endOffset: 0 }) : (best ?? { offset: 0, endOffset: 0 });
    }
    node = next;
    const range = options.key && segment === path[path.length - 1] && keyNode ? rangeOf(keyNode) : rangeOf(node);
    if (range) best = range;
  }
  return best ?? { offset: 0, endOffset: 0 };
}

function scalarKey(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function rangeOf(node: unknown): Located | undefined {
  if (!isNode(node) || !node.range) return undefined;
  const [start, valueEnd] = node.range;
  return { offset: start, endOffset: Math.max(start, valueEnd) };
}

/** Converts offsets to 1-based line and column; a range ending after a newline ends on its own line. */
export function toSpan(lineCounter: LineCounter, text: string, located: Located): Span {
  const start = lineCounter.linePos(Math.min(located.offset, text.length));
  let end = Math.max(located.offset, Math.min(located.endOffset, text.length));
  while (end > located.offset && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  const stop = lineCounter.linePos(end);
  return { line: start.line, column: start.col, endLine: stop.line, endColumn: stop.col };
}
