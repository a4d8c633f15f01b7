import { join } from 'node:path';
import { hashFile } from '../artifacts/hash-file.js';
import type { ExecutionState } from '../state/fold.js';
import type { RestoredTask } from './plan-rollback.js';

/**
 * `--verify`: every restored file, as it now lies in the rollback's output directory, must hash
 * to the sha256 the source execution's ledger recorded for it (not only what the artifact index
 * says), and every task kept must have all its recorded outputs back. Returns the problems.
 */
export async function verifyRestored(restored: readonly RestoredTask[], source: ExecutionState, outputDir: string): Promise<string[]> {
  const recorded = new Map<string, string>();
  for (const stage of source.stages) {
    for (const task of stage.tasks) for (const artifact of task.artifacts) recorded.set(`${stage.name}.${task.id}\0${artifact.path}`, artifact.sha256);
  }
  const problems: string[] = [];
  for (const task of restored) {
    for (const artifact of task.artifacts) {
      const expected = recorded.get(`${task.task}\0${artifact.path}`);
      if (expected === undefined) {
        problems.push(`${task.task}: \`${artifact.path}\` is in the artifact index but not in execution ${source.execution_id}'s ledger`);
        continue;
      }
      const actual = await hashFile(join(outputDir, artifact.path)).catch((error: unknown) => ({ sha256: `unreadable (${(error as Error).message})` }));
      if (actual.sha256 !== expected) problems.push(`${task.task}: \`${artifact.path}\` has sha256 ${actual.sha256}, the ledger recorded ${expected}`);
    }
    const stage = source.stages.find((candidate) => task.task.startsWith(`${candidate.name}.`) && candidate.tasks.some((entry) => `${candidate.name}.${entry.id}` === task.task));
    const ledgerCount = stage?.tasks.find((entry) => `${stage.name}.${entry.id}` === task.task)?.artifacts.length ?? 0;
    if (ledgerCount > task.artifacts.length) problems.push(`${task.task}: ${ledgerCount - task.artifacts.length} of the outputs execution ${source.execution_id} recorded are missing from the artifact store`);
  }
  return problems;
}
