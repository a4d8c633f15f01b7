import { SpecError } from '../errors.js';
import { scanTemplate } from './template.js';

/** What templates may name at run time. Secrets are kept apart so they can be redacted. */
export interface TemplateScope {
  variables: Readonly<Record<string, string>>;
  builtins: { ds: string; ds_nodash: string; execution_id: string };
  pipelineName: string;
  env: Readonly<Record<string, string | undefined>>;
  secrets: Readonly<Record<string, string | undefined>>;
  task?: Readonly<Record<string, string>>;
}

const MAX_DEPTH = 8;

/**
 * Substitutes `{{ … }}` by plain lookup — nothing is evaluated. Variables may hold templates
 * (expanded up to 8 levels). Every secret value used is added to `usedSecrets` so callers
 * can redact it wherever the result travels.
 */
export function renderTemplate(text: string, scope: TemplateScope, usedSecrets?: Set<string>, depth = 0): string {
  if (!text.includes('{{')) return text;
  if (depth > MAX_DEPTH) throw new SpecError(`Variables nest more than ${MAX_DEPTH} levels deep while rendering \`${text}\`; is there a loop?`);
  let result = '';
  let last = 0;
  for (const part of scanTemplate(text)) {
    result += text.slice(last, part.start);
    last = part.end;
    const ref = part.ref;
    switch (ref.kind) {
      case 'variable': {
        const value = scope.variables[ref.name];
        if (value === undefined) throw new SpecError(`\`{{ ${ref.name} }}\` is not defined; define it under \`variables\`, or pass it with --vars or --env`);
        result += renderTemplate(value, scope, usedSecrets, depth + 1);
        break;
      }
      case 'builtin':
        result += scope.builtins[ref.name];
        break;
      case 'pipeline':
        result += scope.pipelineName;
        break;
      case 'env': {
        const value = scope.env[ref.name];
        if (value === undefined) throw new SpecError(`\`{{ env.${ref.name} }}\` is not set in the environment`);
        result += value;
        break;
      }
      case 'secret': {
        const value = scope.secrets[ref.name];
        if (value === undefined) throw new SpecError(`\`{{ secrets.${ref.name} }}\` has no value; set ORCHESTRATE_SECRET_${ref.name} in the environment, or pass --secrets-file FILE with \`${ref.name}: value\` in it`);
        usedSecrets?.add(value);
        result += value;
        break;
      }
      case 'task': {
        const value = scope.task?.[ref.name];
        if (value === undefined) throw new SpecError(`\`{{ task.${ref.name} }}\` is not defined for this task`);
        result += value;
        break;
      }
      default:
        throw new SpecError(`Template \`{{ ${part.expression} }}\` cannot be rendered; only plain names are substituted`);
    }
  }
  return result + text.slice(last);
}
