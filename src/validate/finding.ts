import type { RuleId, Severity } from './rules.js';

export type { Severity };

/**
 * One problem at one place. Positions are 1-based; `file` is relative to the
 * repository root with `/` separators, as SARIF and code scanning expect.
 */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  help: string;
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number; notes: number } {
  let errors = 0;
  let warnings = 0;
  let notes = 0;
  for (const finding of findings) {
    if (finding.severity === 'error') errors++;
    else if (finding.severity === 'warning') warnings++;
    else notes++;
  }
  return { errors, warnings, notes };
}

/** Stable order: by file, then position, then rule. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}
