/**
 * Streams the elements of a top-level JSON array without holding the whole file: it tracks
 * nesting and strings to find where each element ends, then parses that element alone.
 */
export async function* readJsonArray(chunks: AsyncIterable<string>, source: string): AsyncGenerator<unknown> {
  const splitter = new ArraySplitter(source);
  for await (const chunk of chunks) yield* splitter.push(chunk);
  splitter.end();
}

type Phase = 'before' | 'between' | 'element' | 'after';

class ArraySplitter {
  private phase: Phase = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private element = '';
  private index = 0;

  constructor(private readonly source: string) {}

  *push(chunk: string): Generator<unknown> {
    let start = 0;
    for (let at = 0; at < chunk.length; at++) {
      const char = chunk[at] as string;
      if (this.phase === 'element') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (char === '\\') this.escaped = true;
          else if (char === '"') this.inString = false;
          continue;
        }
        if (char === '"') this.inString = true;
        else if (char === '{' || char === '[') this.depth++;
        else if (char === '}' || char === ']') {
          if (this.depth > 0) this.depth--;
          else {
            yield this.finish(chunk.slice(start, at));
            this.phase = 'after';
          }
        } else if (char === ',' && this.depth === 0) {
          yield this.finish(chunk.slice(start, at));
          this.phase = 'between';
        }
        continue;
      }
      if (isSpace(char)) continue;
      if (this.phase === 'before') {
        if (char !== '[') throw new Error(`${this.source} is not a JSON array of records (it starts with \`${char}\`); write an array, or use JSON Lines (.jsonl)`);
        this.phase = 'between';
      } else if (this.phase === 'between') {
        if (char === ']' && this.index === 0) {
          this.phase = 'after';
          continue;
        }
        this.phase = 'element';
        start = at;
        at--;
      } else {
        throw new Error(`${this.source} has text after the closing \`]\` of its array`);
      }
    }
    if (this.phase === 'element') this.element += chunk.slice(start);
  }

  end(): void {
    if (this.phase !== 'after') throw new Error(`${this.source} ends before its JSON array is closed`);
  }

  private finish(tail: string): unknown {
    const text = this.element + tail;
    this.element = '';
    this.index++;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`${this.source}: element ${this.index} of the array is not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }
}

function isSpace(char: string): boolean {
  return char === ' ' || char === '\n' || char === '\r' || char === '\t';
}
