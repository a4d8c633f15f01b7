import { isRecord, stagesOf } from '../../spec/task-entries.js';
import type { ValidationContext } from '../context.js';
import { didYouMean } from '../suggest.js';

/** Keys under `resources` are `default` or a stage name; anything else applies to nothing. */
export function checkResourceKeys(context: ValidationContext): void {
  const value = context.source.value;
  if (!isRecord(value) || !isRecord(value.resources)) return;
  const stages = stagesOf(value).flatMap(({ stage }) => (typeof stage.name === 'string' ? [stage.name] : []));
  for (const key of Object.keys(value.resources)) {
    if (key === 'default' || stages.includes(key)) continue;
    context.report('structure/unknown-resource-stage', ['resources', key], `\`resources.${key}\` names no stage${didYouMean(key, [...stages, 'default'])}; it applies to nothing`, { key: true });
  }
}
