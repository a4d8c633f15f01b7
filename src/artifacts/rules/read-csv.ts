/**
 * A streaming CSV reader (RFC 4180): fields separated by commas, records by LF or CRLF, a field
 * in double quotes may hold commas, newlines and `""` for a quote. The first record is the header;
 * each later record becomes an object by column name. Blank lines are skipped; a short record
 * leaves its missing columns out, so they count as null.
 */
export async function* readCsvRecords(chunks: AsyncIterable<string>, source: string): AsyncGenerator<Record<string, string>> {
  const parser = new CsvParser(source);
  let header: string[] | undefined;
  for await (const chunk of chunks) {
    for (const fields of parser.push(chunk)) {
      if (header === undefined) header = fields;
      else yield recordOf(header, fields);
    }
  }
  for (const fields of parser.end()) {
    if (header === undefined) header = fields;
    else yield recordOf(header, fields);
  }
}

function recordOf(header: readonly string[], fields: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  const count = Math.min(header.length, fields.length);
  for (let index = 0; index < count; index++) record[header[index] as string] = fields[index] as string;
  return record;
}

const SPECIAL = /[",\r\n]/g;

class CsvParser {
  private fields: string[] = [];
  private field = '';
  private quoted = false;
  /** Inside quotes, a `"` was the last character seen: an escaped quote or the closing one. */
  private quotePending = false;
  private line = 1;

  constructor(private readonly source: string) {}

  push(chunk: string): string[][] {
    const records: string[][] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.quotePending) {
        this.quotePending = false;
        if (chunk[at] === '"') {
          this.field += '"';
          at++;
          continue;
        }
        this.quoted = false;
      }
      if (this.quoted) {
        const close = chunk.indexOf('"', at);
        const end = close === -1 ? chunk.length : close;
        const text = chunk.slice(at, end);
        this.field += text;
        this.line += countNewlines(text);
        if (close === -1) break;
        this.quotePending = true;
        at = close + 1;
        continue;
      }
      SPECIAL.lastIndex = at;
      const match = SPECIAL.exec(chunk);
      const end = match ? match.index : chunk.length;
      this.field += chunk.slice(at, end);
      if (!match) break;
      at = end + 1;
      switch (match[0]) {
        case '"':
          if (this.field !== '') throw new Error(`${this.source} line ${this.line}: a quote inside an unquoted field; quote the whole field and double the quote ("")`);
          this.quoted = true;
          break;
        case ',':
          this.fields.push(this.field);
          this.field = '';
          break;
        case '\n': {
          this.line++;
          const record = this.finishRecord();
          if (record) records.push(record);
          break;
        }
        // A CR outside quotes belongs to a CRLF line end.
        case '\r':
          break;
      }
    }
    return records;
  }

  end(): string[][] {
    if (this.quoted && !this.quotePending) throw new Error(`${this.source}: a quoted field opened before line ${this.line} is never closed`);
    const record = this.finishRecord();
    return record ? [record] : [];
  }

  private finishRecord(): string[] | undefined {
    this.quoted = false;
    this.quotePending = false;
    this.fields.push(this.field);
    const fields = this.fields;
    this.fields = [];
    this.field = '';
    return fields.length === 1 && fields[0] === '' ? undefined : fields;
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
