import { describe, expect, it } from 'vitest';
import type { ValidationRule } from '../../src/artifacts/rules/data-rules.js';
import { evaluateRules, type OutputFile } from '../../src/artifacts/rules/evaluate-rules.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Five orders: order 2 appears twice, order 3 has no customer. The same data in every format. */
const ROWS = [
  { order_id: 1, customer_id: 'c1', total_amount: 10.5 },
  { order_id: 2, customer_id: 'c2', total_amount: 20 },
  { order_id: 2, customer_id: 'c2', total_amount: 20 },
  { order_id: 3, customer_id: null, total_amount: 7 },
  { order_id: 4, customer_id: 'c4', total_amount: 1 },
];

const FORMATS: [name: string, file: string, content: string][] = [
  ['CSV', 'orders.csv', `order_id,customer_id,total_amount\n${ROWS.map((row) => `${row.order_id},${row.customer_id ?? ''},${row.total_amount}`).join('\n')}\n`],
  ['JSON Lines', 'orders.jsonl', `${ROWS.map((row) => JSON.stringify(row.customer_id === null ? { order_id: row.order_id, total_amount: row.total_amount } : row)).join('\n')}\n`],
  ['a JSON array', 'orders.json', JSON.stringify(ROWS, null, 2)],
];

const METRICS = JSON.stringify({ accuracy: 0.91, latency: { p99: 120 }, note: 'fast' });

interface Case {
  name: string;
  rule: ValidationRule;
  passed: boolean;
  measured: Record<string, number>;
  message: string;
  /** A rule that lacks its settings is reported without reading, so without the file's name. */
  unread?: true;
}

const CASES: Case[] = [
  {
    name: 'not_null fails when any listed column has a null (default threshold 1)',
    rule: { rule: 'not_null', columns: ['customer_id', 'total_amount'] },
    passed: false,
    measured: { rows: 5, threshold: 1, 'nulls.customer_id': 1, 'nulls.total_amount': 0, non_null_ratio: 0.8 },
    message: 'not_null: customer_id is null in 1 of 5 rows (0.8 non-null); the threshold is 1',
  },
  {
    name: 'not_null passes at a threshold the data meets',
    rule: { rule: 'not_null', columns: ['customer_id'], threshold: 0.8 },
    passed: true,
    measured: { rows: 5, threshold: 0.8, 'nulls.customer_id': 1, non_null_ratio: 0.8 },
    message: 'not_null: customer_id non-null in at least 0.8 of 5 rows (threshold 0.8)',
  },
  {
    name: 'not_null on a column no row has',
    rule: { rule: 'not_null', column: 'customer' },
    passed: false,
    measured: { rows: 5, threshold: 1, 'nulls.customer': 5, non_null_ratio: 0 },
    message: 'not_null: customer appears in no row; the threshold is 1',
  },
  {
    name: 'unique_check counts duplicates',
    rule: { rule: 'unique_check', column: 'order_id' },
    passed: false,
    measured: { rows: 5, values: 5, distinct: 4, duplicates: 1, unique_ratio: 0.8, threshold: 1 },
    message: 'unique_check: order_id has 4 distinct values in 5 non-null rows, 1 duplicates (0.8 unique, threshold 1)',
  },
  {
    name: 'unique_check passes at a lower threshold',
    rule: { rule: 'unique_check', column: 'order_id', threshold: 0.8 },
    passed: true,
    measured: { rows: 5, values: 5, distinct: 4, duplicates: 1, unique_ratio: 0.8, threshold: 0.8 },
    message: 'unique_check: order_id has 4 distinct values in 5 non-null rows, 1 duplicates (0.8 unique, threshold 0.8)',
  },
  {
    name: 'unique_check ignores nulls and catches a misspelled column',
    rule: { rule: 'unique_check', column: 'orderid' },
    passed: false,
    measured: { rows: 5, values: 0, distinct: 0, duplicates: 0, unique_ratio: 1, threshold: 1 },
    message: 'unique_check: orderid has no value in any of 5 rows; check the column name',
  },
  { name: 'row_count within bounds', rule: { rule: 'row_count', min: 5, max: 5 }, passed: true, measured: { rows: 5, min: 5, max: 5 }, message: 'row_count: 5 rows (at least 5 and at most 5)' },
  { name: 'row_count below min', rule: { rule: 'row_count', min: 20 }, passed: false, measured: { rows: 5, min: 20 }, message: 'row_count: 5 rows, expected at least 20' },
  { name: 'row_count above max', rule: { rule: 'row_count', max: 4 }, passed: false, measured: { rows: 5, max: 4 }, message: 'row_count: 5 rows, expected at most 4' },
  { name: 'row_count without bounds', rule: { rule: 'row_count' }, passed: false, measured: {}, message: 'row_count needs `min:` or `max:`', unread: true },
];

async function evaluate(file: string, content: string, rules: ValidationRule[], extra: OutputFile[] = []) {
  using dir = makeTempDir();
  const outputs: OutputFile[] = [{ path: file, file: dir.write(file, content), type: 'dataset' }, ...extra.map((output) => ({ ...output, file: dir.write(output.path, output.file) }))];
  return await evaluateRules({ rules, outputs, outputDir: dir.path, render: (text) => text });
}

describe.each(FORMATS)('data rules over %s', (_format, file, content) => {
  it.each(CASES)('$name', async ({ rule, passed, measured, message, unread }) => {
    const [outcome] = await evaluate(file, content, [rule]);
    expect(outcome).toEqual({ rule: rule.rule, passed, measured, message: unread ? message : `${file}: ${message}` });
  });

  it('evaluates every rule in one pass, in rule order', async () => {
    const outcomes = await evaluate(file, content, CASES.map((entry) => entry.rule));
    expect(outcomes.map((outcome) => [outcome.rule, outcome.passed])).toEqual(CASES.map((entry) => [entry.rule.rule, entry.passed]));
  });
});

describe('metric rules', () => {
  const metrics: OutputFile = { path: 'metrics.json', file: METRICS, type: 'metrics' };
  it.each<[string, ValidationRule, boolean, Record<string, number>, string]>([
    ['min with >=', { rule: 'accuracy', min: 0.85, comparator: '>=' }, true, { value: 0.91, min: 0.85 }, 'accuracy = 0.91 in metrics.json (>= 0.85)'],
    ['min alone means >=', { rule: 'accuracy', min: 0.95 }, false, { value: 0.91, min: 0.95 }, 'accuracy = 0.91 in metrics.json, expected >= 0.95'],
    ['a nested metric with max and <=', { rule: 'latency.p99', max: 100, comparator: '<=' }, false, { value: 120, max: 100 }, 'latency.p99 = 120 in metrics.json, expected <= 100'],
    ['== compares exactly', { rule: 'accuracy', min: 0.91, comparator: '==' }, true, { value: 0.91, min: 0.91 }, 'accuracy = 0.91 in metrics.json (== 0.91)'],
    ['a metric that is not there', { rule: 'recall', min: 0.5 }, false, {}, 'recall: metrics.json has no such key; write `"recall": <number>` to it'],
    ['a metric that is not a number', { rule: 'note', min: 1 }, false, {}, 'note: metrics.json holds "fast", not a number; write `"note": <number>` to it'],
  ])('%s', async (_name, rule, passed, measured, message) => {
    const [outcome] = await evaluate('orders.csv', 'id\n1\n', [rule], [metrics]);
    expect(outcome).toEqual({ rule: rule.rule, passed, measured, message: `metrics.json: ${message}` });
  });

  it('reads the metrics file named by `artifact` even when it is not declared as metrics', async () => {
    const [outcome] = await evaluate('orders.csv', 'id\n1\n', [{ rule: 'accuracy', min: 0.9, artifact: 'eval.json' }], [{ path: 'eval.json', file: METRICS, type: 'report' }]);
    expect(outcome?.passed).toBe(true);
  });
});

describe('choosing the artifact a rule reads', () => {
  it('fails a rule clearly when the task has no output of the type it reads', async () => {
    using dir = makeTempDir();
    const outcomes = await evaluateRules({
      rules: [{ rule: 'row_count', min: 1 }, { rule: 'accuracy', min: 0.5 }, { rule: 'row_count', min: 1, artifact: 'absent.csv' }, { rule: 'row_count', min: 1, artifact: '../up.csv' }],
      outputs: [{ path: 'report.txt', file: dir.write('report.txt', 'x'), type: 'report' }],
      outputDir: dir.path,
      render: (text) => text,
    });
    expect(outcomes.map((outcome) => outcome.message)).toEqual([
      'row_count: the task declares no output of type dataset to read; add `type: dataset` to one of its output_artifacts, or name the file with `artifact:`',
      'accuracy: the task declares no output of type metrics to read; add `type: metrics` to one of its output_artifacts, or name the file with `artifact:`',
      `row_count: artifact \`absent.csv\` does not exist in the output directory ${dir.path}`,
      `row_count: artifact \`../up.csv\` points outside the execution's output directory ${dir.path}`,
    ]);
  });

  it('reads an `artifact` that another task of the execution wrote, rendered, and reports unreadable data per rule', async () => {
    using dir = makeTempDir();
    dir.write('customers_2024-01-15.csv', 'id\n1\n2\n');
    dir.write('broken.jsonl', '{"id":1}\nnot json\n');
    const outcomes = await evaluateRules({
      rules: [{ rule: 'row_count', min: 2, artifact: 'customers_{{ ds }}.csv' }, { rule: 'row_count', min: 1, artifact: 'broken.jsonl' }],
      outputs: [],
      outputDir: dir.path,
      render: (text) => text.replace('{{ ds }}', '2024-01-15'),
    });
    expect(outcomes).toEqual([
      { rule: 'row_count', passed: true, measured: { rows: 2, min: 2 }, message: 'customers_2024-01-15.csv: row_count: 2 rows (at least 2)' },
      { rule: 'row_count', passed: false, measured: { rows_read: 1 }, message: expect.stringContaining('broken.jsonl: row_count: could not read the data: broken.jsonl line 2 is not JSON') },
    ]);
  });

  it('streams a large dataset: 200,000 CSV rows', async () => {
    const header = 'id,value\n';
    const body = Array.from({ length: 200_000 }, (_, index) => `${index},"v,${index % 7}"`).join('\n');
    const [unique, count] = await evaluate('big.csv', header + body, [{ rule: 'unique_check', column: 'id' }, { rule: 'row_count', min: 200_000, max: 200_000 }]);
    expect(unique?.measured).toMatchObject({ rows: 200_000, distinct: 200_000 });
    expect(count?.passed).toBe(true);
  });
});
