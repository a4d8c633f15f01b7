/**
 * The template language: `{{ NAME }}` and a few dotted names, nothing else.
 * No expression is ever evaluated; anything that is not a plain name is reported.
 */

export const BUILTIN_NAMES = ['ds', 'ds_nodash', 'execution_id'] as const;

export type TemplateRef =
  | { kind: 'variable'; name: string }
  | { kind: 'builtin'; name: (typeof BUILTIN_NAMES)[number] }
  | { kind: 'pipeline'; name: 'name' }
  | { kind: 'env'; name: string }
  | { kind: 'secret'; name: string }
  | { kind: 'task'; name: string }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unterminated' };

export interface TemplatePart {
  ref: TemplateRef;
  /** The text between the braces, trimmed. */
  expression: string;
  /** Index of `{{` in the string. */
  start: number;
  /** Index just after `}}`. */
  end: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Finds every `{{ … }}` in a string and classifies it. */
export function scanTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let start = text.indexOf('{{');
  while (start !== -1) {
    const close = text.indexOf('}}', start + 2);
    if (close === -1) {
      parts.push({ ref: { kind: 'unterminated' }, expression: text.slice(start + 2).trim(), start, end: text.length });
      break;
    }
    const expression = text.slice(start + 2, close).trim();
    parts.push({ ref: classify(expression), expression, start, end: close + 2 });
    start = text.indexOf('{{', close + 2);
  }
  return parts;
}

function classify(expression: string): TemplateRef {
  if (expression === '') return { kind: 'invalid', reason: 'it is empty' };
  const segments = expression.split('.');
  if (segments.length > 2 || !segments.every((segment) => NAME.test(segment))) {
    return { kind: 'invalid', reason: describeExpression(expression) };
  }
  const [head, tail] = segments as [string, string | undefined];
  if (tail === undefined) {
    return (BUILTIN_NAMES as readonly string[]).includes(head)
      ? { kind: 'builtin', name: head as (typeof BUILTIN_NAMES)[number] }
      : { kind: 'variable', name: head };
  }
  switch (head) {
    case 'env': return { kind: 'env', name: tail };
    case 'secrets': return { kind: 'secret', name: tail };
    case 'task': return { kind: 'task', name: tail };
    case 'pipeline':
      return tail === 'name' ? { kind: 'pipeline', name: 'name' } : { kind: 'invalid', reason: `\`pipeline.${tail}\` is not defined; only \`pipeline.name\` is` };
    default:
      return { kind: 'invalid', reason: `\`${head}.${tail}\` is not a known namespace; use \`env.\`, \`secrets.\`, \`task.\` or \`pipeline.name\`` };
  }
}

function describeExpression(expression: string): string {
  if (/\bif\b|\belse\b|\bfor\b|{%/.test(expression)) return 'conditionals and loops are not evaluated';
  if (expression.includes('|')) return 'filters are not evaluated';
  if (/\w\s*\(/.test(expression)) return 'function calls are not evaluated';
  if (/[-+*/%<>=!]/.test(expression)) return 'arithmetic and comparisons are not evaluated';
  if (/['"]/.test(expression)) return 'literals are not evaluated';
  return 'only plain names such as `{{ ds }}`, `{{ MY_VAR }}` or `{{ env.NAME }}` are allowed';
}

/** True when the text holds at least one template. */
export function hasTemplate(text: string): boolean {
  return text.includes('{{');
}
