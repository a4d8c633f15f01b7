import { z } from 'zod';
import { CPU_PATTERN, DURATION_PATTERN, MEMORY_PATTERN, parseCpu, parseDuration, parseMemory } from '../quantities.js';

/** Shared value types of the pipeline format; their JSON Schema carries the same patterns the parsers accept. */

export const NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_-]*$';

export const name = (what: string) =>
  z.string().regex(new RegExp(NAME_PATTERN), {
    error: (issue) => `Invalid ${what} name \`${String(issue.input)}\`: use letters, digits, \`_\` and \`-\` (dots separate stage and task in dependencies)`,
  });

export const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(new RegExp(DURATION_PATTERN), { error: (issue) => messageOf(parseDuration(issue.input)) }),
  ])
  .meta({ id: 'Duration', description: 'A duration: `30s`, `10m`, `2h`, `1h30m`, or plain seconds.' });

export const cpu = z
  .union([
    z.number().nonnegative(),
    z.string().regex(new RegExp(CPU_PATTERN), { error: (issue) => messageOf(parseCpu(issue.input)) }),
  ])
  .meta({ id: 'Cpu', description: 'CPU cores: `2`, `0.5`, `500m`, `auto`, `auto*1.2`.' });

export const memory = z
  .union([
    z.number().nonnegative(),
    z.string().regex(new RegExp(MEMORY_PATTERN), { error: (issue) => messageOf(parseMemory(issue.input)) }),
  ])
  .meta({ id: 'Quantity', description: 'Bytes with an optional suffix: `4Gi`, `8192Mi`, `512M`, `auto`, `auto+2Gi`.' });

export const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Environment values: numbers and booleans are written unquoted in YAML and passed on as text. */
export const envMap = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'Environment variable names use letters, digits and `_` and do not start with a digit' }), scalar);

function messageOf(parsed: { ok: boolean; message?: string }): string {
  return parsed.message ?? 'Invalid value';
}
