import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../../errors.js';
import type { Pipeline } from '../../spec/schema/pipeline.js';
import { validateFiles } from '../../validate/validate-files.js';
import { removeTree } from '../extract-tree.js';
import type { Source } from '../source.js';
import type { StagedTrees } from './staged-trees.js';

/** Where a controller-run execution's tree lives: beside its output, so a restart finds it by id alone. */
export function workspaceOf(workdir: string, executionId: string): string {
  return join(workdir, 'executions', executionId, 'workspace');
}

/**
 * Makes sure `dir` holds the tree at `sha`. `fresh` throws away whatever is there first: an
 * execution that never started may have died halfway through its checkout. Without it an
 * existing, non-empty tree is kept (a resumed execution runs from the files it started with).
 * A tree `staged` ahead for `sha` is moved in instead of checking out again.
 */
export async function prepareWorkspace(source: Source, sha: string, dir: string, options: { fresh: boolean; staged?: StagedTrees }): Promise<void> {
  const present = existsSync(dir) && readdirSync(dir).length > 0;
  if (present && !options.fresh) return;
  await removeTree(dir);
  if (await options.staged?.take(sha, dir)) return;
  await source.checkout(sha, dir);
}

/** The pipeline at `file` in a checked-out workspace, parsed and validated as the engine needs it. */
export async function loadWorkspacePipeline(workspace: string, file: string): Promise<Pipeline> {
  const report = await validateFiles({ paths: [join(workspace, file)], strict: false, root: workspace });
  const pipeline = report.files[0]?.pipeline;
  if (!report.valid || !pipeline) {
    const first = report.findings.find((finding) => finding.severity === 'error');
    throw new SpecError(`${file} in ${workspace} does not validate${first ? ` (${first.file}:${first.line}:${first.column} ${first.rule}: ${first.message})` : ''}; the deployment that named it should not have been recorded`);
  }
  return pipeline;
}
