import type { Pipeline } from '../../spec/schema/pipeline.js';
import type { DeployedVersion, DeploymentFinding } from '../../state/events.js';
import type { Finding } from '../../validate/finding.js';
import type { CommitEvaluation } from '../deployments/reconcile.js';
import type { PipelineIndex } from '../pipeline-index.js';
import type { ParsedBlob } from '../repository-paths.js';
import { selectPipelines, type Selection } from '../select-pipelines.js';
import type { Source } from '../source.js';
import { validateAtCommit } from '../validate-at-commit.js';
import { versionsAt } from '../versions.js';
import { versionsAfterChange } from '../versions-after-change.js';

export interface EvaluateRequest {
  /** The active deployment's commit; without one every pipeline at `head` is validated. */
  base: string | null;
  head: string;
  /** @defaultValue 'pipelines' */
  pipelinesDir?: string;
  /** Careful-reviewer rules. @defaultValue false */
  strict?: boolean;
  /** The versions deployed at `base`: those of untouched pipelines carry over instead of being hashed again. */
  baseVersions?: readonly DeployedVersion[];
  /** The pipeline index at `base`: dependents are looked up in it instead of searched for in the tree. */
  baseIndex?: PipelineIndex;
  /** Told of each added or changed pipeline that asks to run on deploy as soon as the diff shows it, before validation. */
  onRunCandidate?: (candidate: { file: string; pipeline: Pipeline }) => void;
}

/** An evaluation, with the index at `head` when one could be had without reading every pipeline. */
export interface IndexedEvaluation extends CommitEvaluation {
  index?: PipelineIndex;
}

/**
 * What the reconciler needs to decide on a commit: the pipelines a change since `base` can
 * affect (changed files, referenced scripts, dependents) validated in the tree at `head`, the
 * version of every pipeline there, and which changed ones ask to run on deploy. Only the
 * selected files are read out of Git, and with the base's versions given only they are hashed,
 * so one changed pipeline in a thousand costs about one.
 */
export async function evaluateCommit(source: Source, request: EvaluateRequest): Promise<IndexedEvaluation> {
  const pipelinesDir = request.pipelinesDir ?? 'pipelines';
  const onChanged = request.onRunCandidate && ((blob: ParsedBlob) => blob.pipeline?.deploy?.on_merge === 'run' && request.onRunCandidate?.({ file: blob.path, pipeline: blob.pipeline }));
  const selection = await selectPipelines(source, {
    base: request.base ?? undefined,
    head: request.head,
    pipelinesDir,
    ...(request.baseIndex ? { baseIndex: request.baseIndex } : {}),
    ...(onChanged ? { onChanged } : {}),
  });
  const runOnDeploy = [
    ...new Set(
      selection.validated
        .map((change) => selection.head.get(change.file)?.pipeline)
        .filter((pipeline) => pipeline?.deploy?.on_merge === 'run')
        .map((pipeline) => pipeline?.name as string),
    ),
  ].sort();
  const [findings, versions] = await Promise.all([validateSelection(source, request.head, selection, request.strict === true), headVersions(source, request, selection, pipelinesDir)]);
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  return { versions, findings, errors, runOnDeploy, ...(selection.index ? { index: selection.index } : {}) };
}

async function headVersions(source: Source, request: EvaluateRequest, selection: Selection, pipelinesDir: string): Promise<DeployedVersion[]> {
  if (request.base !== null && request.baseVersions) return versionsAfterChange(source, request.head, selection, request.baseVersions, { pipelinesDir });
  const { versions } = await versionsAt(source, request.head, { pipelinesDir });
  return versions.map((version) => ({ pipeline: version.name, file: version.file, version_hash: version.hash }));
}

/** Through the same path as `validate repo`, so a pipeline that fails the schema still has its scripts copied. */
async function validateSelection(source: Source, sha: string, selection: Selection, strict: boolean): Promise<DeploymentFinding[]> {
  if (selection.validated.length === 0) return [];
  const report = await validateAtCommit(source, sha, selection, { strict });
  return report.findings.map(toDeploymentFinding);
}

/** Only where and what: a finding's message names a rule's subject, never a value. */
function toDeploymentFinding(finding: Finding): DeploymentFinding {
  return { rule: finding.rule, severity: finding.severity, message: finding.message, file: finding.file, line: finding.line, column: finding.column };
}
