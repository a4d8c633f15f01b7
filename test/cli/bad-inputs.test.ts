import { describe, expect, it } from 'vitest';
import type { ValidationJson } from '../../src/validate/report/json.js';
import { RULES } from '../../src/validate/rules.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * Bad input, end to end through the built CLI: exit 1, the finding on the right line in the
 * human and the JSON report, and never a stack trace, whatever the file holds.
 */

const STACK_TRACE = /\n\s+at /;

/** Task lines go under one stage `s`; the first task line is line 6. */
const pipeline = (...lines: string[]) => ['version: "2.1"', 'name: bad', 'stages:', '  - name: s', '    tasks:', ...lines, ''].join('\n');

interface BadInput {
  name: string;
  content: string | Buffer;
  args?: string[];
  rule: keyof typeof RULES;
  line: number;
  column: number;
  message: string;
}

const BAD_INPUTS: BadInput[] = [
  {
    name: 'a dependency cycle',
    content: pipeline('      - { name: a, type: noop, dependencies: [b] }', '      - { name: b, type: noop, dependencies: [a] }'),
    rule: 'graph/cycle',
    line: 6,
    column: 47,
    message: 'Dependency cycle `s.a` → `s.b` → `s.a`: `s.a` depends on `s.b` here',
  },
  {
    name: "a typo'd task type",
    content: pipeline('      - name: a', '        type: pyhton_script', '        script: run.py'),
    rule: 'structure/unknown-task-type',
    line: 7,
    column: 15,
    message: 'Unknown task type `pyhton_script` (string); did you mean `python_script`?',
  },
  {
    name: 'an unknown dependency',
    content: pipeline('      - { name: a, type: noop }', '      - name: b', '        type: noop', '        dependencies: [s.aa]'),
    rule: 'graph/unknown-dependency',
    line: 9,
    column: 24,
    message: 'Task `s.b` depends on `s.aa`, which is not a task of this pipeline; did you mean `s.a`?',
  },
  {
    name: 'a bad cron expression',
    content: `${pipeline('      - { name: a, type: noop }')}schedule:\n  cron: "61 * * * *"\n  timezone: UTC\n`,
    rule: 'structure/invalid-cron',
    line: 8,
    column: 9,
    message: 'Invalid cron expression `61 * * * *`',
  },
  {
    name: 'a bad time zone',
    content: `${pipeline('      - { name: a, type: noop }')}schedule:\n  cron: "0 2 * * *"\n  timezone: Europe/Pariss\n`,
    rule: 'structure/unknown-timezone',
    line: 9,
    column: 13,
    message: 'Unknown time zone `Europe/Pariss`; did you mean `Europe/Paris`?',
  },
  {
    name: 'a bad duration',
    content: pipeline('      - name: a', '        type: noop', '        timeout: 10 mins'),
    rule: 'structure/invalid-value',
    line: 8,
    column: 18,
    message: '`timeout`: Invalid duration `10 mins`',
  },
  {
    name: 'a missing script',
    content: pipeline('      - name: a', '        type: python_script', '        script: tasks/absent.py'),
    rule: 'structure/missing-file',
    line: 8,
    column: 17,
    message: '`tasks/absent.py` does not exist',
  },
  {
    name: 'a path that escapes the repository',
    content: pipeline('      - name: a', '        type: python_script', '        script: ../../etc/passwd'),
    rule: 'structure/path-escape',
    line: 8,
    column: 17,
    message: '`../../etc/passwd` resolves outside the repository root',
  },
  {
    name: 'an undefined template name',
    content: pipeline('      - name: a', '        type: shell', '        command: echo "{{ ds }} {{ REGION }}"'),
    rule: 'structure/undefined-template-name',
    line: 8,
    column: 33,
    message: '`{{ REGION }}` names no variable of this pipeline',
  },
  {
    name: 'a YAML syntax error',
    content: pipeline('      - name: a', '        type: noop', '       timeout: 1m'),
    rule: 'structure/yaml-syntax',
    // The parser flags the over-indented line from its start.
    line: 8,
    column: 1,
    message: 'Sequence item without - indicator',
  },
  {
    name: 'a YAML bomb of nested aliases',
    content: [
      'version: "2.1"',
      'name: bomb',
      'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
      'stages: *f',
      '',
    ].join('\n'),
    rule: 'structure/alias-limit',
    line: 5,
    column: 8,
    message: 'Aliases expand to more than 1000 nodes (a "YAML bomb")',
  },
  {
    name: 'a file over --max-file-size',
    content: pipeline('      - { name: a, type: noop }'),
    args: ['--max-file-size', '64'],
    rule: 'structure/file-too-large',
    line: 1,
    column: 1,
    message: 'File is 88 bytes, over the limit of 64 bytes',
  },
  {
    name: 'invalid UTF-8 bytes',
    // 0xc3 starts a two-byte sequence, and `(` cannot continue it.
    content: Buffer.concat(pipeline('      - name: a', '        type: noop', '        description: "ok @"').split('@').flatMap((part, index) => [...(index > 0 ? [Buffer.from([0xc3, 0x28])] : []), Buffer.from(part)])),
    rule: 'structure/invalid-utf8',
    line: 8,
    column: 26,
    message: 'Invalid UTF-8 at byte',
  },
  {
    name: 'a 10,000-deep flow sequence',
    content: `version: "2.1"\nname: deep\nstages: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
    rule: 'structure/nesting-depth',
    line: 3,
    column: 72,
    message: 'Nesting deeper than 64 levels',
  },
];

function validate(content: string | Buffer, args: string[]): CliResult {
  using repo = makeTempDir('orchestrate-bad-input-');
  repo.write('pipelines/bad.yaml', content);
  return runCli(['validate', 'pipeline', '--pipeline', 'pipelines/bad.yaml', '--repo', '.', ...args], { cwd: repo.path });
}

describe.each(BAD_INPUTS)('$name', ({ content, args = [], rule, line, column, message }) => {
  it('exits 1 with the finding on its line in the human report, and no stack trace', () => {
    const result = validate(content, args);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`\npipelines/bad.yaml:${line}:${column}  error  ${rule}  ${message}`.slice(1));
    expect(result.stdout).toMatch(/✗ \d+ errors?, \d+ warnings? in 1 pipeline file\n$/);
    expect(result.stdout).not.toMatch(STACK_TRACE);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('exits 1 with the same finding in --output json, and no stack trace', () => {
    const result = validate(content, [...args, '--output', 'json']);
    expect(result.status).toBe(1);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    const report = JSON.parse(result.stdout) as ValidationJson;
    expect(report.valid).toBe(false);
    expect(report.findings).toContainEqual(expect.objectContaining({ rule, severity: 'error', file: 'pipelines/bad.yaml', line, column, message: expect.stringContaining(message) }));
  });
});

describe('--output json', () => {
  it('has the documented shape: valid, counts, and every field of every finding', () => {
    const result = validate(pipeline('      - name: a', '        type: noop', '        dependencies: [nope]', '        timout: 1m'), ['--output', 'json']);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as ValidationJson;
    expect(Object.keys(report)).toEqual(['valid', 'counts', 'findings']);
    expect(report).toEqual({
      valid: false,
      counts: { files: 1, errors: 1, warnings: 1, notes: 0 },
      findings: [
        {
          rule: 'graph/unknown-dependency',
          severity: 'error',
          message: 'Task `s.a` depends on `nope`, which is not a task of this pipeline',
          file: 'pipelines/bad.yaml',
          line: 8,
          column: 24,
          endLine: 8,
          endColumn: 28,
          help: RULES['graph/unknown-dependency'].help,
        },
        {
          rule: 'structure/unknown-key',
          severity: 'warning',
          message: 'Unknown key `timout`; did you mean `timeout`?',
          file: 'pipelines/bad.yaml',
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 15,
          help: RULES['structure/unknown-key'].help,
        },
      ],
    });
  });
});

describe('warnings only', () => {
  const withWarning = pipeline('      - name: a', '        type: noop', '        timout: 1m');

  it('exits 0 and says the file is valid', () => {
    const result = validate(withWarning, []);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('pipelines/bad.yaml:8:9  warning  structure/unknown-key  Unknown key `timout`; did you mean `timeout`?');
    expect(result.stdout).toMatch(/✓ 1 pipeline file valid \(0 errors, 1 warning\)\n$/);
  });

  it('exits 0 with valid: true in JSON', () => {
    const result = validate(withWarning, ['--output', 'json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, counts: { files: 1, errors: 0, warnings: 1, notes: 0 } });
  });

  it('exits 1 under --strict, where an unknown key is an error', () => {
    const result = validate(withWarning, ['--strict']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('pipelines/bad.yaml:8:9  error  structure/unknown-key');
  });
});
