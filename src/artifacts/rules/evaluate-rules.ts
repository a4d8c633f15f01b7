import { stat } from 'node:fs/promises';
import type { ValidationOutcome } from '../../state/events.js';
import { resolveInside } from '../output-paths.js';
import { createRecordCheck, isDataRule, type RecordCheck, type ValidationRule } from './data-rules.js';
import { evaluateMetric } from './metric-rule.js';
import { readRecords } from './read-records.js';

/** A declared output of the task, rendered and resolved. */
export interface OutputFile {
  /** The rendered path, relative to the output directory. */
  path: string;
  /** Absolute path of the file. */
  file: string;
  /** The declared type. @defaultValue 'file' */
  type: string;
}

export interface EvaluateRulesInput {
  rules: readonly ValidationRule[];
  outputs: readonly OutputFile[];
  outputDir: string;
  /** Renders `artifact:` templates the way output paths were rendered. */
  render: (text: string) => string;
}

/**
 * Evaluates a task's `validation_rules` on its outputs; one outcome per rule, in rule order.
 * Rules on the same dataset share one streamed pass over it. A rule reads `artifact` when
 * given (an output's path, or any file in the output directory), else the first `dataset`
 * output (a metric rule: the first `metrics` output).
 */
export async function evaluateRules(input: EvaluateRulesInput): Promise<ValidationOutcome[]> {
  const outcomes: (ValidationOutcome | undefined)[] = input.rules.map(() => undefined);
  const passes = new Map<string, { path: string; checks: { index: number; check: RecordCheck }[] }>();
  const metrics: Promise<void>[] = [];
  for (const [index, rule] of input.rules.entries()) {
    const target = await targetOf(rule, input);
    if (!target.ok) {
      outcomes[index] = { rule: rule.rule, passed: false, measured: {}, message: `${rule.rule}: ${target.reason}` };
      continue;
    }
    if (!isDataRule(rule)) {
      metrics.push(evaluateMetric(rule, target.file).then((outcome) => void (outcomes[index] = labelled(outcome, target.path))));
      continue;
    }
    const check = createRecordCheck(rule);
    if ('passed' in check) {
      outcomes[index] = check;
      continue;
    }
    const pass = passes.get(target.file) ?? { path: target.path, checks: [] };
    pass.checks.push({ index, check });
    passes.set(target.file, pass);
  }
  await Promise.all([...metrics, ...[...passes].map(([file, pass]) => runPass(file, pass, outcomes, input.rules))]);
  return outcomes as ValidationOutcome[];
}

async function runPass(file: string, pass: { path: string; checks: { index: number; check: RecordCheck }[] }, outcomes: (ValidationOutcome | undefined)[], rules: readonly ValidationRule[]): Promise<void> {
  let rows = 0;
  try {
    for await (const record of readRecords(file)) {
      rows++;
      for (const { check } of pass.checks) check.add(record);
    }
  } catch (error) {
    for (const { index } of pass.checks) {
      const rule = (rules[index] as ValidationRule).rule;
      outcomes[index] = { rule, passed: false, measured: { rows_read: rows }, message: `${pass.path}: ${rule}: could not read the data: ${(error as Error).message}` };
    }
    return;
  }
  for (const { index, check } of pass.checks) outcomes[index] = labelled(check.finish(), pass.path);
}

type Target = { ok: true; file: string; path: string } | { ok: false; reason: string };

async function targetOf(rule: ValidationRule, input: EvaluateRulesInput): Promise<Target> {
  if (rule.artifact !== undefined) {
    const path = input.render(rule.artifact);
    const output = input.outputs.find((candidate) => candidate.path === path);
    if (output) return { ok: true, file: output.file, path };
    const resolved = await resolveInside(input.outputDir, path);
    if (!resolved.ok) return { ok: false, reason: `artifact ${resolved.reason}` };
    const found = await stat(resolved.file).then((stats) => stats.isFile(), () => false);
    return found ? { ok: true, file: resolved.file, path } : { ok: false, reason: `artifact \`${path}\` does not exist in the output directory ${input.outputDir}` };
  }
  const wanted = isDataRule(rule) ? 'dataset' : 'metrics';
  const output = input.outputs.find((candidate) => candidate.type === wanted);
  if (output) return { ok: true, file: output.file, path: output.path };
  return { ok: false, reason: `the task declares no output of type ${wanted} to read; add \`type: ${wanted}\` to one of its output_artifacts, or name the file with \`artifact:\`` };
}

function labelled(outcome: ValidationOutcome, path: string): ValidationOutcome {
  return { ...outcome, message: `${path}: ${outcome.message}` };
}
