import type { ValuePath } from '../../spec/locate.js';
import { BUILTIN_NAMES, scanTemplate } from '../../spec/template.js';
import { isRecord } from '../../spec/task-entries.js';
import type { ValidationContext } from '../context.js';
import { didYouMean } from '../suggest.js';
import { walkStrings } from '../walk-strings.js';

/**
 * Every `{{ … }}` in the pipeline names something defined; expressions are reported, never evaluated;
 * variables that refer to each other in a loop are reported once per loop.
 */
export function checkTemplates(context: ValidationContext): void {
  const value = context.source.value;
  const variables = isRecord(value) && isRecord(value.variables) ? value.variables : {};
  const defined = new Set(Object.keys(variables));
  const candidates = [...defined, ...BUILTIN_NAMES];

  walkStrings(value, (text, path) => {
    if (!text.includes('{{')) return;
    scanTemplate(text).forEach((part, occurrence) => {
      const within = { needle: '{{', occurrence };
      switch (part.ref.kind) {
        case 'unterminated':
          return context.report('structure/template-expression', [...path], 'Template `{{` is never closed with `}}`', { within });
        case 'invalid':
          return context.report('structure/template-expression', [...path], `Template \`{{ ${part.expression} }}\` is not allowed: ${part.ref.reason}`, { within });
        case 'variable':
          if (!defined.has(part.ref.name)) {
            const name = part.ref.name;
            context.report('structure/undefined-template-name', [...path], `\`{{ ${name} }}\` names no variable of this pipeline${didYouMean(name, candidates) || `; define it under \`variables\` or use \`{{ env.${name} }}\` or \`{{ secrets.${name} }}\``}`, { within });
          }
          return;
        default:
          return;
      }
    });
  });
  checkVariableCycles(context, variables);
}

function checkVariableCycles(context: ValidationContext, variables: Record<string, unknown>): void {
  const references = new Map<string, string[]>();
  for (const [name, raw] of Object.entries(variables)) {
    if (typeof raw !== 'string') continue;
    references.set(name, scanTemplate(raw).flatMap((part) => (part.ref.kind === 'variable' && part.ref.name in variables ? [part.ref.name] : [])));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    trail.push(name);
    for (const next of references.get(name) ?? []) {
      if (state.get(next) === 'visiting') {
        const loop = [...trail.slice(trail.indexOf(next)), next];
        const path: ValuePath = ['variables', next];
        context.report('structure/variable-cycle', path, `Variables refer to each other in a loop: ${loop.map((item) => `\`${item}\``).join(' → ')}`, { key: true });
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    trail.pop();
    state.set(name, 'done');
  };
  for (const name of references.keys()) if (!state.has(name)) visit(name);
}

/** Expands variables inside a text to see what it finally contains; unknown names stay as they are. */
export function expandVariables(text: string, variables: Record<string, unknown>, depth = 0): string {
  if (depth > 8 || !text.includes('{{')) return text;
  let result = '';
  let last = 0;
  for (const part of scanTemplate(text)) {
    result += text.slice(last, part.start);
    const raw = part.ref.kind === 'variable' ? variables[part.ref.name] : undefined;
    result += raw === undefined ? text.slice(part.start, part.end) : expandVariables(String(raw), variables, depth + 1);
    last = part.end;
  }
  return result + text.slice(last);
}
