import type { Finding } from '../validate/finding.js';
import type { ValidationReport } from '../validate/validate-files.js';

const SEVERITY_ICON: Record<Finding['severity'], string> = { error: '❌', warning: '⚠️', note: 'ℹ️' };

/** The headline a check run, a commit status and a comment share: "2 errors, 1 warning in 3 pipeline files". */
export function describeCounts(report: ValidationReport): string {
  const { files, errors, warnings } = report.counts;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (errors === 0 && warnings === 0) return `${plural(files, 'pipeline file')} valid`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'pipeline file')}`;
}

/** Markdown for a PR comment and the step summary when the repository diff markdown is not available: one table row per finding. */
export function formatFindingsMarkdown(report: ValidationReport, changed: readonly string[]): string {
  const lines = [`### Pipeline validation: ${describeCounts(report)}`, ''];
  lines.push(`${changed.length} changed pipeline file${changed.length === 1 ? '' : 's'}${changed.length > 0 ? `: ${changed.map((file) => `\`${file}\``).join(', ')}` : ''}.`, '');
  if (report.findings.length > 0) {
    lines.push('| | Location | Rule | Problem |', '| --- | --- | --- | --- |');
    for (const finding of report.findings) {
      lines.push(`| ${SEVERITY_ICON[finding.severity]} | \`${finding.file}:${finding.line}:${finding.column}\` | \`${finding.rule}\` | ${cell(finding.message)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
