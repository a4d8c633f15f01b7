import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { referencedFiles } from '../../spec/referenced-files.js';
import type { DeploymentFinding } from '../../state/events.js';
import type { Finding } from '../../validate/finding.js';
import { validateFiles } from '../../validate/validate-files.js';
import type { CommitEvaluation } from '../deployments/reconcile.js';
import { toRepositoryPath } from '../repository-paths.js';
import { selectPipelines, type Selection } from '../select-pipelines.js';
import type { Source } from '../source.js';
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

/** The selected pipelines and the files they reference, written to a scratch tree and validated there. */
async function validateSelection(source: Source, sha: string, selection: Selection, strict: boolean): Promise<DeploymentFinding[]> {
  if (selection.validated.length === 0) return [];
  const scratch = mkdtempSync(join(tmpdir(), 'orchestrate-deploy-'));
  try {
    const files = selection.validated.map((change) => change.file);
    const referenced = files.flatMap((file) => {
      const pipeline = selection.head.get(file)?.pipeline;
      return pipeline ? referencedFiles(pipeline).map(toRepositoryPath).filter((path): path is string => path !== undefined) : [];
    });
    const contents = await source.readFiles(sha, [...files, ...referenced]);
    for (const [path, bytes] of contents) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), bytes);
    }
    const present = files.filter((file) => contents.has(file)).map((file) => join(scratch, file));
    if (present.length === 0) return [];
    const report = await validateFiles({ paths: present, strict, root: scratch });
    return report.findings.map((finding) => toDeploymentFinding(finding, scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Only where and what: a finding's message names a rule's subject, never a value, and never the scratch path. */
function toDeploymentFinding(finding: Finding, scratch: string): DeploymentFinding {
  const message = finding.message.split(`${scratch}/`).join('').split(scratch).join('.');
  return { rule: finding.rule, severity: finding.severity, message, file: finding.file, line: finding.line, column: finding.column };
}
