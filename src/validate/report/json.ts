import type { ValidationReport } from '../validate-files.js';

/**
 * The documented JSON shape (docs/validation-output.md). Fields are only ever added,
 * never renamed, so scripts can rely on it.
 */
export interface ValidationJson {
  valid: boolean;
  counts: { files: number; errors: number; warnings: number; notes: number };
  findings: {
    rule: string;
    severity: 'error' | 'warning' | 'note';
    message: string;
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    help: string;
  }[];
}

export function toValidationJson(report: ValidationReport): ValidationJson {
  return {
    valid: report.valid,
    counts: report.counts,
    findings: report.findings.map(({ rule, severity, message, file, line, column, endLine, endColumn, help }) => ({ rule, severity, message, file, line, column, endLine, endColumn, help })),
  };
}
