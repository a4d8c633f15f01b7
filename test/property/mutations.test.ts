import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../src/validate/finding.js';
import { validatePipelineFile } from '../../src/validate/validate-pipeline.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * Mutates the valid example pipelines at random and checks the two promises the validator
 * makes for any input: it never throws, and every finding points inside the file.
 */

const EXAMPLES_ROOT = join(PROJECT_ROOT, 'pipelines-example');
const EXAMPLE_DIR = join(EXAMPLES_ROOT, 'pipelines');
const EXAMPLES = new Map(
  readdirSync(EXAMPLE_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => [name, readFileSync(join(EXAMPLE_DIR, name))]),
);

/** Fragments that stress the YAML parser, the templating and the locators. */
const TOKENS = [
  '[', ']', '{', '}', '"', "'", ':', ': ', '- ', '#', ',', '|', '>', '?', '!', '%', '@', '`',
  '{{', '}}', '{{ ', '{{ ds }}', '{{ nope }}', '{{ a + b }}', '*alias', '&anchor', '*a', '&a x',
  '<<: *a', '!!binary', '!tag ', '---\n', '...\n', '%YAML 1.2\n', '\t', '\r', '\r\n', '\n', '\n\n',
  '\u00e9', '\u{1F600}', '\u2028', '\uFEFF', '\u0000', '\\', '$(date)', '`date`',
];

/** Values that are the wrong type almost anywhere in a pipeline. */
const VALUES = [
  '', '~', 'null', 'true', 'maybe', '0', '-1', '1e400', '3.5', '"text"', "'x'", '[]', '{}', '[1, 2]',
  '{ a: 1 }', '|\n  block', '>-', '- item', '*alias', '&anchor value', '"{{ undefined }}"', '10 minutes', '4 GB', '"0 2 * * 8"',
];

const KEYS = ['junk', 'timeoutt', 'type', 'name', 'stages', 'tasks', 'dependencies', 'command', 'resources', 'retry', '"quoted key"', '? complex', '<<', '123', '{{ ds }}'];

type Mutation =
  | { kind: 'drop-line'; at: number }
  | { kind: 'drop-block'; at: number }
  | { kind: 'change-value'; at: number; value: string }
  /** `indent: null` lines the key up with the line it is inserted before, so the YAML mostly stays valid. */
  | { kind: 'insert-key'; at: number; key: string; value: string; indent: number | null }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert-text'; at: number; text: string }
  | { kind: 'insert-bytes'; at: number; bytes: Uint8Array };

const position = fc.nat({ max: 1_000_000 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop-line' as const), at: position }),
  fc.record({ kind: fc.constant('drop-block' as const), at: position }),
  fc.record({ kind: fc.constant('change-value' as const), at: position, value: fc.constantFrom(...VALUES) }),
  fc.record({ kind: fc.constant('insert-key' as const), at: position, key: fc.constantFrom(...KEYS), value: fc.constantFrom(...VALUES), indent: fc.option(fc.integer({ min: 0, max: 12 })) }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: position }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert-text' as const), at: position, text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant('insert-bytes' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
);

function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let index = bytes.indexOf(10); index !== -1; index = bytes.indexOf(10, start)) {
    lines.push(bytes.subarray(start, index + 1));
    start = index + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

const indentOf = (line: Buffer): number => {
  let count = 0;
  while (line[count] === 32) count++;
  return count;
};

/** Applies one mutation to the file's bytes; positions wrap around so every draw hits something. */
function applyMutation(bytes: Buffer, change: Mutation): Buffer {
  const lines = splitLines(bytes);
  const lineAt = lines.length === 0 ? 0 : change.at % lines.length;
  switch (change.kind) {
    case 'drop-line':
      return Buffer.concat(lines.filter((_, index) => index !== lineAt));
    case 'drop-block': {
      // The line and every following line indented deeper: a key with its whole value.
      const indent = indentOf(lines[lineAt] ?? Buffer.alloc(0));
      let end = lineAt + 1;
      while (end < lines.length && (indentOf(lines[end] as Buffer) > indent || (lines[end] as Buffer).toString().trim() === '')) end++;
      return Buffer.concat([...lines.slice(0, lineAt), ...lines.slice(end)]);
    }
    case 'change-value': {
      const line = (lines[lineAt] ?? Buffer.alloc(0)).toString('utf8');
      const colon = line.indexOf(': ');
      const replaced = colon === -1 ? line.replace(/^(\s*-\s*).*/, `$1${change.value}`) : `${line.slice(0, colon + 2)}${change.value}`;
      lines[lineAt] = Buffer.from(`${replaced.replace(/\n$/, '')}\n`);
      return Buffer.concat(lines);
    }
    case 'insert-key': {
      const sibling = (lines[lineAt] ?? Buffer.alloc(0)).toString('utf8');
      const indent = change.indent ?? (/^\s*- /.exec(sibling)?.[0].length ?? indentOf(lines[lineAt] ?? Buffer.alloc(0)));
      lines.splice(lineAt, 0, Buffer.from(`${' '.repeat(indent)}${change.key}: ${change.value}\n`));
      return Buffer.concat(lines);
    }
    case 'duplicate-line':
      if (lines[lineAt]) lines.splice(lineAt, 0, lines[lineAt] as Buffer);
      return Buffer.concat(lines);
    case 'truncate':
      return bytes.subarray(0, change.at % (bytes.length + 1));
    case 'insert-text':
    case 'insert-bytes': {
      const at = change.at % (bytes.length + 1);
      const inserted = change.kind === 'insert-text' ? Buffer.from(change.text) : Buffer.from(change.bytes);
      return Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]);
    }
  }
}

/** Why a finding's location is outside the file, or undefined when it is inside. */
function locationProblem(finding: Finding, text: string): string | undefined {
  // Lines as the validator counts them: split at `\n`, columns in UTF-16 code units.
  const lines = text.split('\n');
  const lengthOf = (line: number) => (lines[line - 1] ?? '').length;
  const { line, column, endLine, endColumn } = finding;
  const where = `${finding.rule} at ${line}:${column}-${endLine}:${endColumn} (file has ${lines.length} lines)`;
  if (![line, column, endLine, endColumn].every(Number.isInteger)) return `non-integer position: ${where}`;
  if (line < 1 || line > lines.length) return `line outside the file: ${where}`;
  if (endLine < 1 || endLine > lines.length) return `end line outside the file: ${where}`;
  if (column < 1 || column > lengthOf(line) + 1) return `column outside line ${line} (length ${lengthOf(line)}): ${where}`;
  if (endColumn < 1 || endColumn > lengthOf(endLine) + 1) return `end column outside line ${endLine} (length ${lengthOf(endLine)}): ${where}`;
  if (endLine < line || (endLine === line && endColumn < column)) return `end before start: ${where}`;
  return undefined;
}

const workDir = makeTempDir('orchestrate-mutations-');
afterAll(() => workDir[Symbol.dispose]());
let fileCounter = 0;

/** Validates the bytes as a pipeline in both modes and returns every broken promise. */
function checkBytes(bytes: Buffer): string[] {
  const file = workDir.write(`case-${fileCounter++}.yaml`, bytes);
  // The mutated file lives outside the examples, but its references resolve against them.
  const text = bytes.toString('utf8');
  const problems: string[] = [];
  for (const strict of [false, true]) {
    let findings: Finding[];
    try {
      findings = validatePipelineFile(file, { strict, root: EXAMPLES_ROOT }).findings;
    } catch (error) {
      problems.push(`threw with strict=${strict}: ${(error as Error).stack ?? String(error)}`);
      continue;
    }
    for (const finding of findings) {
      const problem = locationProblem(finding, text);
      if (problem) problems.push(`strict=${strict}: ${problem}`);
    }
  }
  return problems;
}

/** Shrunk counterexamples that once failed, kept so the bugs they found stay fixed. */
const REGRESSIONS: { name: string; example: string; changes: Mutation[] }[] = [
  {
    // The parser's line counter skipped the newlines inside block scalars after a syntax error,
    // so later findings landed on the wrong lines, past the ends of lines.
    name: 'a syntax error above a block scalar keeps later lines where they are',
    example: 'shell_example.yaml',
    changes: [{ kind: 'insert-key', at: 0, key: 'junk', value: '', indent: 1 }, { kind: 'duplicate-line', at: 0 }],
  },
  {
    // statSync throws for a path holding a NUL byte instead of returning "no such file".
    name: 'a NUL byte in a script path is a missing file, not a crash',
    example: 'sql_script_example.yaml',
    changes: [{ kind: 'duplicate-line', at: 148241 }, { kind: 'drop-block', at: 855052 }, { kind: 'insert-text', at: 209614, text: '\u0000' }],
  },
];

describe('validatePipelineFile on mutated example pipelines', () => {
  it('accepts every example unchanged, with every location inside the file', () => {
    for (const [name, bytes] of EXAMPLES) expect(checkBytes(bytes), name).toEqual([]);
  });

  it.each(REGRESSIONS)('regression: $name', ({ example, changes }) => {
    expect(checkBytes(changes.reduce(applyMutation, EXAMPLES.get(example) as Buffer))).toEqual([]);
  });

  it('regression: a script path through a regular file (ENOTDIR) is a missing file, not a crash', () => {
    const text = (EXAMPLES.get('daily_sales_etl.yaml') as Buffer).toString('utf8').replace('script: tasks/extract_orders.py', 'script: tasks/extract_orders.py/inner.py');
    const file = workDir.write('enotdir.yaml', text);
    const findings = validatePipelineFile(file, { strict: false, root: EXAMPLES_ROOT }).findings;
    expect(findings.map((finding) => [finding.rule, finding.line])).toEqual([['structure/missing-file', text.split('\n').findIndex((line) => line.includes('inner.py')) + 1]]);
  });

  it('regression: a mapping used as a key is a finding, not a Node warning on stderr', () => {
    const emitWarning = vi.spyOn(process, 'emitWarning');
    try {
      const file = workDir.write('collection-key.yaml', 'version: "2.1"\nname: x\n{{ ds }}: 1\nstages: []\n');
      const findings = validatePipelineFile(file, { strict: false, root: EXAMPLES_ROOT }).findings;
      expect(findings.map((finding) => finding.rule)).toContain('structure/unknown-key');
      expect(emitWarning).not.toHaveBeenCalled();
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('never throws and keeps every finding inside the file', () => {
    fc.assert(
      // Examples are drawn by name so a counterexample prints short enough to copy into a regression case.
      fc.property(fc.constantFrom(...EXAMPLES.keys()), fc.array(mutation, { minLength: 1, maxLength: 4 }), (name, changes) => {
        const mutated = changes.reduce(applyMutation, EXAMPLES.get(name) as Buffer);
        expect(checkBytes(mutated).slice(0, 5)).toEqual([]);
      }),
      // About 40 % of the mutants still parse, so both the loader and the semantic checks get exercised.
      // MUTATION_RUNS=20000 for a longer hunt.
      { numRuns: Number(process.env.MUTATION_RUNS ?? 1000) },
    );
  });
});
