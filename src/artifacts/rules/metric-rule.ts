import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ValidationOutcome } from '../../state/events.js';
import type { ValidationRule } from './data-rules.js';

type Comparator = NonNullable<ValidationRule['comparator']>;

const COMPARE: Record<Comparator, (value: number, bound: number) => boolean> = {
  '>=': (value, bound) => value >= bound,
  '<=': (value, bound) => value <= bound,
  '>': (value, bound) => value > bound,
  '<': (value, bound) => value < bound,
  '==': (value, bound) => value === bound,
  '!=': (value, bound) => value !== bound,
};

/**
 * A metric rule (`rule: accuracy`, `min: 0.85`): reads the number named by the rule from a JSON
 * object (`{"accuracy": 0.91}`, or nested as `model.accuracy`) and compares it with each bound
 * given. Without `comparator`, `min` means `>=` and `max` means `<=`; with one, every bound given
 * is compared with it.
 */
export async function evaluateMetric(rule: ValidationRule, file: string): Promise<ValidationOutcome> {
  const name = basename(file);
  if (rule.min === undefined && rule.max === undefined) {
    return { rule: rule.rule, passed: false, measured: {}, message: `${rule.rule} needs \`min:\` or \`max:\` to compare the metric with` };
  }
  let metrics: unknown;
  try {
    metrics = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return { rule: rule.rule, passed: false, measured: {}, message: `${rule.rule}: could not read metrics from ${name}: ${(error as Error).message}` };
  }
  const value = lookUp(metrics, rule.rule);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const found = value === undefined ? 'has no such key' : `holds ${JSON.stringify(value)}, not a number`;
    return { rule: rule.rule, passed: false, measured: {}, message: `${rule.rule}: ${name} ${found}; write \`"${rule.rule}": <number>\` to it` };
  }
  const checks: { bound: number; comparator: Comparator; key: 'min' | 'max' }[] = [];
  if (rule.min !== undefined) checks.push({ bound: rule.min, comparator: rule.comparator ?? '>=', key: 'min' });
  if (rule.max !== undefined) checks.push({ bound: rule.max, comparator: rule.comparator ?? '<=', key: 'max' });
  const measured: Record<string, number> = { value };
  for (const check of checks) measured[check.key] = check.bound;
  const failed = checks.filter((check) => !COMPARE[check.comparator](value, check.bound));
  const expected = checks.map((check) => `${check.comparator} ${check.bound}`).join(' and ');
  return {
    rule: rule.rule,
    passed: failed.length === 0,
    measured,
    message: failed.length === 0 ? `${rule.rule} = ${value} in ${name} (${expected})` : `${rule.rule} = ${value} in ${name}, expected ${expected}`,
  };
}

/** A key at the top level, else a dotted path into nested objects. */
function lookUp(value: unknown, key: string): unknown {
  if (!isObject(value)) return undefined;
  if (key in value) return value[key];
  let current: unknown = value;
  for (const part of key.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
