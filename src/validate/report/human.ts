import type { Finding, Severity } from '../finding.js';
import type { ValidationReport } from '../validate-files.js';
import { maskUrlCredentials } from '../connections/redact-url.js';

const COLORS: Record<Severity | 'dim' | 'bold' | 'reset' | 'ok', string> = {
  error: '\x1b[31m', warning: '\x1b[33m', note: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m', ok: '\x1b[32m',
};

/** Compiler-style text: `file:line:col  severity  rule  message`, a code frame with a caret, a summary line. */
export function formatHuman(report: ValidationReport, options: { color: boolean }): string {
  const paint = (style: keyof typeof COLORS, text: string) => (options.color ? `${COLORS[style]}${text}${COLORS.reset}` : text);
  const texts = new Map(report.files.map((file) => [file.uri, file.text]));
  const blocks = report.findings.map((finding) => {
    const head = `${paint('bold', `${finding.file}:${finding.line}:${finding.column}`)}  ${paint(finding.severity, finding.severity)}  ${paint('dim', finding.rule)}  ${finding.message}`;
    const frame = codeFrame(texts.get(finding.file), finding);
    const help = paint('dim', `  help: ${finding.help}`);
    return [head, ...(frame ? [paint('dim', frame)] : []), help].join('\n');
  });
  const { files, errors, warnings, notes } = report.counts;
  const counts = [`${errors} error${errors === 1 ? '' : 's'}`, `${warnings} warning${warnings === 1 ? '' : 's'}`, ...(notes ? [`${notes} note${notes === 1 ? '' : 's'}`] : [])].join(', ');
  const summary = report.valid
    ? paint('ok', `✓ ${files} pipeline file${files === 1 ? '' : 's'} valid`) + (warnings || notes ? ` (${counts})` : '')
    : paint('error', `✗ ${counts} in ${files} pipeline file${files === 1 ? '' : 's'}`);
  return [...blocks, summary].join('\n\n') + '\n';
}

function codeFrame(text: string | undefined, finding: Finding): string | undefined {
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  const line = lines[finding.line - 1];
  if (line === undefined) return undefined;
  // The frame quotes the file, so a `user:pass@` in it would reach CI logs; mask it, keeping columns.
  const masked = maskUrlCredentials(line);
  const shown = masked.length > 160 ? `${masked.slice(0, 160)}…` : masked;
  const gutter = String(finding.line).length;
  const width = finding.endLine === finding.line ? Math.max(1, Math.min(finding.endColumn - finding.column, shown.length - finding.column + 1)) : 1;
  const caret = `${' '.repeat(Math.max(0, finding.column - 1))}${'^'.repeat(Math.max(1, width))}`;
  return `  ${String(finding.line).padStart(gutter)} | ${shown.replace(/\t/g, ' ')}\n  ${' '.repeat(gutter)} | ${caret}`;
}
