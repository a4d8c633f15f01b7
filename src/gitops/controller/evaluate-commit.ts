import type { DeploymentFinding } from '../../state/events.js';
import type { Finding } from '../../validate/finding.js';
import type { CommitEvaluation } from '../deployments/reconcile.js';
import { selectPipelines, type Selection } from '../select-pipelines.js';
import type { Source } from '../source.js';
import { validateAtCommit } from '../validate-at-commit.js';
import { versionsAt } from '../versions.js';

export interface EvaluateRequest {
  /** The active deployment's commit; without one every pipeline at `head` is validated. */
  base: string | null;
  head: string;
  /** @defaultValue 'pipelines' */
  pipelinesDir?: string;
  /** Careful-reviewer rules. @defaultValue false */
  strict?: boolean;
}

/**
 * What the reconciler needs to decide on a commit: the pipelines a change since `base` can
 * affect (changed files, referenced scripts, dependents) validated in the tree at `head`, the
 * version of every pipeline there, and which changed ones ask to run on deploy. Only the
 * selected files are read out of Git, so one changed pipeline in a thousand costs about one.
 */
export async function evaluateCommit(source: Source, request: EvaluateRequest): Promise<CommitEvaluation> {
  const pipelinesDir = request.pipelinesDir ?? 'pipelines';
  const selection = await selectPipelines(source, { base: request.base ?? undefined, head: request.head, pipelinesDir });
  const findings = await validateSelection(source, request.head, selection, request.strict === true);
  const { versions } = await versionsAt(source, request.head, { pipelinesDir });
  const runOnDeploy = selection.validated
    .map((change) => selection.head.get(change.file)?.pipeline)
    .filter((pipeline) => pipeline?.deploy?.on_merge === 'run')
    .map((pipeline) => pipeline?.name as string);
  return {
    versions: versions.map((version) => ({ pipeline: version.name, file: version.file, version_hash: version.hash })),
    findings,
    errors: findings.filter((finding) => finding.severity === 'error').length,
    runOnDeploy: [...new Set(runOnDeploy)].sort(),
  };
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
