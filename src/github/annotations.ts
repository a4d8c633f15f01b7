import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Finding, Severity } from '../validate/finding.js';

/** A check-run annotation as the Checks API takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  /** Only allowed when the annotation spans one line. */
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  message: string;
  title: string;
  raw_details?: string;
}

const LEVEL: Record<Severity, CheckAnnotation['annotation_level']> = { error: 'failure', warning: 'warning', note: 'notice' };

/**
 * Findings as annotations on the lines at fault. Finding paths are relative to the validated
 * root; GitHub wants them relative to the repository root, which differs when the pipelines
 * live in a subdirectory checkout.
 */
export function findingsToAnnotations(findings: readonly Finding[], options: { validatedRoot: string; repositoryRoot: string }): CheckAnnotation[] {
  return findings.map((finding) => {
    const singleLine = finding.line === finding.endLine;
    return {
      path: repositoryPath(finding.file, options),
      start_line: finding.line,
      end_line: Math.max(finding.endLine, finding.line),
      ...(singleLine ? { start_column: finding.column, end_column: Math.max(finding.endColumn, finding.column) } : {}),
      annotation_level: LEVEL[finding.severity],
      message: finding.message,
      title: finding.rule,
      ...(finding.help ? { raw_details: finding.help } : {}),
    };
  });
}

function repositoryPath(file: string, options: { validatedRoot: string; repositoryRoot: string }): string {
  const absolute = isAbsolute(file) ? file : resolve(options.validatedRoot, file);
  return relative(resolve(options.repositoryRoot), absolute).split(sep).join('/');
}
