import type { Task } from '../../spec/schema/task.js';
import type { ValidationOutcome } from '../../state/events.js';
import type { DataRecord } from './read-records.js';

export type ValidationRule = NonNullable<Task['validation_rules']>[number];

/** The rules that read rows; every other rule name is a metric. */
export const DATA_RULES = ['not_null', 'unique_check', 'row_count'] as const;

export function isDataRule(rule: ValidationRule): boolean {
  return (DATA_RULES as readonly string[]).includes(rule.rule);
}

/** A rule evaluated in one pass over a dataset: it sees every record, then gives its verdict. */
export interface RecordCheck {
  /** Called once per record, in file order. */
  add(record: DataRecord): void;
  /** The outcome with the measured numbers, once every record was added. */
  finish(): ValidationOutcome;
}

/** Missing keys, JSON null and empty strings (CSV has no other way to say null) count as null. */
export function isNull(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** Builds the check for a data rule, or a failed outcome when the rule lacks what it needs. */
export function createRecordCheck(rule: ValidationRule): RecordCheck | ValidationOutcome {
  switch (rule.rule) {
    case 'not_null': {
      const columns = rule.columns ?? (rule.column === undefined ? [] : [rule.column]);
      if (columns.length === 0) return misconfigured(rule, 'needs `columns: [...]` (or `column:`) to check');
      return notNull(columns, rule.threshold ?? 1);
    }
    case 'unique_check':
      if (rule.column === undefined) return misconfigured(rule, 'needs `column:` to check');
      return unique(rule.column, rule.threshold ?? 1);
    default:
      if (rule.min === undefined && rule.max === undefined) return misconfigured(rule, 'needs `min:` or `max:`');
      return rowCount(rule.min, rule.max);
  }
}

export function misconfigured(rule: ValidationRule, what: string): ValidationOutcome {
  return { rule: rule.rule, passed: false, measured: {}, message: `${rule.rule} ${what}` };
}

function notNull(columns: readonly string[], threshold: number): RecordCheck {
  let rows = 0;
  const nulls = new Map(columns.map((column) => [column, 0]));
  const seen = new Set<string>();
  return {
    add(record) {
      rows++;
      for (const column of columns) {
        const value = record[column];
        if (value !== undefined) seen.add(column);
        if (isNull(value)) nulls.set(column, (nulls.get(column) ?? 0) + 1);
      }
    },
    finish() {
      const measured: Record<string, number> = { rows, threshold };
      let worst = 1;
      const failing: string[] = [];
      for (const [column, count] of nulls) {
        measured[`nulls.${column}`] = count;
        const ratio = rows === 0 ? 1 : (rows - count) / rows;
        worst = Math.min(worst, ratio);
        if (ratio < threshold) failing.push(seen.has(column) || rows === 0 ? `${column} is null in ${count} of ${rows} rows (${format(ratio)} non-null)` : `${column} appears in no row`);
      }
      measured.non_null_ratio = worst;
      const passed = failing.length === 0;
      const message = passed
        ? `not_null: ${columns.join(', ')} non-null in at least ${format(worst)} of ${rows} rows (threshold ${format(threshold)})`
        : `not_null: ${failing.join('; ')}; the threshold is ${format(threshold)}`;
      return { rule: 'not_null', passed, measured, message };
    },
  };
}

function unique(column: string, threshold: number): RecordCheck {
  let rows = 0;
  let values = 0;
  const distinct = new Set<string>();
  return {
    add(record) {
      rows++;
      const value = record[column];
      if (isNull(value)) return;
      values++;
      // JSON text keeps 1 and "1" apart.
      distinct.add(typeof value === 'string' ? value : JSON.stringify(value));
    },
    finish() {
      const ratio = values === 0 ? 1 : distinct.size / values;
      const measured = { rows, values, distinct: distinct.size, duplicates: values - distinct.size, unique_ratio: ratio, threshold };
      if (rows > 0 && values === 0) {
        return { rule: 'unique_check', passed: false, measured, message: `unique_check: ${column} has no value in any of ${rows} rows; check the column name` };
      }
      const passed = ratio >= threshold;
      const message = `unique_check: ${column} has ${distinct.size} distinct values in ${values} non-null rows, ${values - distinct.size} duplicates (${format(ratio)} unique, threshold ${format(threshold)})`;
      return { rule: 'unique_check', passed, measured, message };
    },
  };
}

function rowCount(min: number | undefined, max: number | undefined): RecordCheck {
  let rows = 0;
  return {
    add() {
      rows++;
    },
    finish() {
      const measured: Record<string, number> = { rows };
      if (min !== undefined) measured.min = min;
      if (max !== undefined) measured.max = max;
      const low = min !== undefined && rows < min;
      const high = max !== undefined && rows > max;
      const bounds = [min === undefined ? undefined : `at least ${min}`, max === undefined ? undefined : `at most ${max}`].filter(Boolean).join(' and ');
      const message = low || high ? `row_count: ${rows} rows, expected ${bounds}` : `row_count: ${rows} rows (${bounds})`;
      return { rule: 'row_count', passed: !low && !high, measured, message };
    },
  };
}

/** Ratios in messages: at most four decimals, rounded down so a ratio just short of 1 never reads as 1. */
export function format(value: number): string {
  return String(Math.floor(value * 10_000 + 1e-9) / 10_000);
}
