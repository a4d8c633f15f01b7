import type { z } from 'zod';
import { ALL_TASK_KEYS, TASK_TYPES } from '../../spec/schema/task.js';
import { pipeline, type Pipeline } from '../../spec/schema/pipeline.js';
import { isRecord } from '../../spec/task-entries.js';
import type { ValuePath } from '../../spec/locate.js';
import type { ValidationContext } from '../context.js';
import { didYouMean } from '../suggest.js';
import { describe } from '../../spec/quantities.js';

/** Runs the zod schema and turns each issue into a located finding with a plain message. */
export function checkSchema(context: ValidationContext): Pipeline | undefined {
  const result = pipeline.safeParse(context.source.value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) reportIssue(context, leafIssue(issue), issue.path as ValuePath);
  return undefined;
}

type Issue = z.core.$ZodIssue;

/** For a union where every branch failed, the branch that got furthest explains the problem best. */
function leafIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((errors) => !(errors.length === 1 && errors[0]?.code === 'invalid_type' && errors[0].path.length === 0));
  if (branches.length !== 1) return issue;
  const [first] = branches[0] as Issue[];
  return first ? { ...first, path: [...issue.path, ...first.path] } : issue;
}

function reportIssue(context: ValidationContext, issue: Issue, fallbackPath: ValuePath): void {
  const path = (issue.path.length >= fallbackPath.length ? issue.path : fallbackPath) as ValuePath;
  const value = valueAt(context.source.value, path);
  const field = fieldName(path);
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys) reportUnknownKey(context, path, key);
      return;
    case 'invalid_union':
      if ((issue as { note?: string }).note === 'No matching discriminator') return reportTaskType(context, path, value);
      return context.report('structure/invalid-value', path, `Invalid ${field}: ${describeUnion(issue, value)}`);
    case 'invalid_type':
      if (value === undefined) return context.report('structure/required-field', path.slice(0, -1), `Missing required field \`${field}\`${whereRequired(context, path)}`);
      if (path.length === 0) return context.report('structure/not-a-pipeline', path, `A pipeline file holds a mapping with \`version\`, \`name\` and \`stages\`, got ${describe(value)}`);
      return context.report('structure/invalid-type', path, `\`${field}\` must be ${article(issue.expected)}, got ${describe(value)}${hookHint(value)}`);
    case 'invalid_value':
      return context.report('structure/invalid-value', path, `\`${field}\` must be one of ${issue.values.map((option) => `\`${String(option)}\``).join(', ')}, got ${describe(value)}${typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : ''}`);
    case 'invalid_format':
    case 'too_small':
    case 'too_big':
    case 'not_multiple_of':
    case 'custom':
      return context.report('structure/invalid-value', path, `${field === '' ? '' : `\`${field}\`: `}${issue.message}`);
    case 'invalid_key':
      // The key is at fault, and the key schema's own message says why.
      return context.report('structure/invalid-value', path, `Invalid key \`${field}\`: ${issue.issues[0]?.message ?? issue.message}`, { key: true });
    default:
      return context.report('structure/invalid-value', path, `\`${field}\`: ${issue.message}`);
  }
}

function reportUnknownKey(context: ValidationContext, path: ValuePath, key: string): void {
  const parent = valueAt(context.source.value, path);
  const isTask = path.length === 4 && path[0] === 'stages' && path[2] === 'tasks';
  if (isTask && ALL_TASK_KEYS.has(key) && isRecord(parent)) {
    return context.report('structure/unknown-key', [...path, key], `\`${key}\` is not used by \`${String(parent.type)}\` tasks and would be ignored`, { key: true });
  }
  const known = knownKeys(path, parent);
  context.report('structure/unknown-key', [...path, key], `Unknown key \`${key}\`${didYouMean(key, known)}`, { key: true });
}

/** The keys allowed where an unknown key was found, for suggestions. */
function knownKeys(path: ValuePath, parent: unknown): string[] {
  let shape: z.ZodType | undefined = pipeline;
  for (const segment of path) {
    shape = shape && childSchema(shape, segment, parent);
  }
  const keys = shape ? objectKeys(shape) : [];
  return keys.length > 0 ? keys : [...ALL_TASK_KEYS];
}

function childSchema(schema: z.ZodType, segment: string | number, _parent: unknown): z.ZodType | undefined {
  const def = unwrap(schema)._zod.def as unknown as Record<string, unknown>;
  if (def.type === 'object') return (def.shape as Record<string, z.ZodType>)[String(segment)];
  if (def.type === 'array') return def.element as z.ZodType;
  if (def.type === 'record') return def.valueType as z.ZodType;
  if (def.type === 'union') {
    // Descend through the first branch that has the segment (a task type, a retry mapping).
    for (const option of def.options as z.ZodType[]) {
      const child = childSchema(option, segment, _parent);
      if (child) return child;
    }
  }
  return undefined;
}

function objectKeys(schema: z.ZodType): string[] {
  const inner = unwrap(schema);
  const def = inner._zod.def as unknown as Record<string, unknown>;
  if (def.type === 'object') return Object.keys(def.shape as object);
  if (def.type === 'union') return (def.options as z.ZodType[]).flatMap(objectKeys);
  return [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let def = current._zod.def as unknown as Record<string, unknown>; def.type === 'optional' || def.type === 'nullable' || def.type === 'default'; def = current._zod.def as unknown as Record<string, unknown>) {
    current = def.innerType as z.ZodType;
  }
  return current;
}

function reportTaskType(context: ValidationContext, path: ValuePath, value: unknown): void {
  const taskPath = path[path.length - 1] === 'type' ? path.slice(0, -1) : path;
  const type = path[path.length - 1] === 'type' ? value : valueAt(context.source.value, [...path, 'type']);
  if (type === undefined) {
    return context.report('structure/required-field', taskPath, `Missing required field \`type\`: one of ${TASK_TYPES.join(', ')}`);
  }
  context.report('structure/unknown-task-type', [...taskPath, 'type'], `Unknown task type ${describe(type)}${(typeof type === 'string' && didYouMean(type, TASK_TYPES)) || '.'} Known types: ${TASK_TYPES.join(', ')}`);
}

function describeUnion(issue: Extract<Issue, { code: 'invalid_union' }>, value: unknown): string {
  const expected = issue.errors.map((branch) => branch[0]).filter((first) => first?.code === 'invalid_type').map((first) => article((first as { expected: string }).expected));
  return expected.length > 0 ? `expected ${expected.join(' or ')}, got ${describe(value)}` : issue.message;
}

function whereRequired(context: ValidationContext, path: ValuePath): string {
  if (path.length === 5 && path[0] === 'stages' && path[2] === 'tasks') {
    const task = valueAt(context.source.value, path.slice(0, -1));
    if (isRecord(task) && typeof task.type === 'string') return ` for \`${task.type}\` tasks`;
  }
  return '';
}

/** `- type:Promote` (no space) parses as one string; say so instead of only "expected a mapping". */
function hookHint(value: unknown): string {
  if (typeof value === 'string' && /^\w+:\S/.test(value)) return `; YAML needs a space after the colon: \`${value.replace(':', ': ')}\``;
  return '';
}

function article(expected: string): string {
  if (expected === 'object' || expected === 'record') return 'a mapping';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function fieldName(path: ValuePath): string {
  for (let index = path.length - 1; index >= 0; index--) {
    const segment = path[index];
    if (typeof segment === 'string') {
      const suffix = path.slice(index + 1).map((item) => `[${item}]`).join('');
      return `${segment}${suffix}`;
    }
  }
  return '';
}

export function valueAt(root: unknown, path: ValuePath): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current)) current = current[String(segment)];
    else return undefined;
  }
  return current;
}
