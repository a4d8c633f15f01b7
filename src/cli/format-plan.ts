import type { ExecutionPlan } from '../dag/execution-plan.js';
import { formatDuration } from './console/describe-event.js';
import type { DurationEstimate } from './console/estimate-duration.js';

export function formatPlan(plan: ExecutionPlan, estimate?: DurationEstimate): string {
  const lines = [
    `Plan for ${plan.pipeline}: ${plan.stages} stage${plan.stages === 1 ? '' : 's'}, ${plan.tasks} task${plan.tasks === 1 ? '' : 's'}, ${plan.waves.length} wave${plan.waves.length === 1 ? '' : 's'}` +
      ` (${plan.parallel ? 'ordered by dependencies only' : 'stages in order'}${plan.maxConcurrent ? `, at most ${plan.maxConcurrent} at once` : ''})`,
  ];
  const width = plan.waves.flat().reduce((widest, step) => Math.max(widest, step.id.length), 4);
  plan.waves.forEach((wave, index) => {
    lines.push('', `Wave ${index + 1}`);
    for (const step of wave) {
      const resources = [step.resources.cpu !== undefined ? `cpu ${step.resources.cpu}` : '', step.resources.memory !== undefined ? `mem ${step.resources.memory}` : '', step.resources.gpu ? `gpu ${step.resources.gpu}` : '']
        .filter(Boolean)
        .join(' ');
      lines.push(`  ${step.id.padEnd(width)}  ${step.type.padEnd(19)} ${(resources || '-').padEnd(20)} ${step.timeout !== undefined ? `timeout ${step.timeout}` : 'no timeout'}${step.skipped ? '  (skipped)' : ''}`);
    }
  });
  lines.push(
    '',
    estimate
      ? `Estimated duration: ${formatDuration(estimate.seconds)} (median of the last ${estimate.runs} succeeded execution${estimate.runs === 1 ? '' : 's'})`
      : `Estimated duration: unknown (no succeeded execution of ${plan.pipeline} in the state store yet)`,
  );
  return `${lines.join('\n')}\n`;
}
