import type { PipelineDiff } from '../../gitops/pipeline-diff.js';
import { formatLocal, type ScheduleDiff } from '../../gitops/schedule-diff.js';
import type { PipelineChange } from '../../gitops/select-pipelines.js';
import type { Finding } from '../finding.js';
import type { ValidationReport } from '../validate-files.js';
import { maskUrlCredentials } from '../connections/redact-url.js';

/** The first line of every summary: how the pull-request comment code finds its own comment. */
export const MARKDOWN_MARKER = '<!-- orchestrate:validate -->';

export interface MarkdownSummaryInput {
  report: ValidationReport;
  changed: readonly PipelineChange[];
  diffs: readonly PipelineDiff[];
  /** The repository as it may be shown (no credentials). */
  repository: string;
  baseSha?: string;
  headSha: string;
}

/** GitHub comments stop at 65,536 characters; past this many findings the rest are counted. */
const MAX_FINDINGS = 50;
const MAX_VALUE = 120;
const ICON = { error: '❌', warning: '⚠️', note: 'ℹ️' } as const;

/** The pull-request summary: which pipelines changed and how, and what validation found. */
export function formatMarkdown(input: MarkdownSummaryInput): string {
  const { report } = input;
  const lines = [MARKDOWN_MARKER, `### ${report.valid ? '✅' : '❌'} Pipeline validation: ${counts(report.findings)} in ${plural(report.counts.files, 'pipeline')}`];
  const range = input.baseSha ? `${code(input.baseSha.slice(0, 7))}…${code(input.headSha.slice(0, 7))}` : `all pipelines at ${code(input.headSha.slice(0, 7))}`;
  lines.push(`<sub>${range} · ${cell(maskUrlCredentials(input.repository))}</sub>`, '');
  lines.push(...pipelineTable(input), ...findingsSection(report.findings), ...changesSection(input.diffs, input.changed));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function pipelineTable(input: MarkdownSummaryInput): string[] {
  if (input.changed.length === 0) return ['No pipeline is affected by this change.', ''];
  const byFile = new Map<string, Finding[]>();
  for (const finding of input.report.findings) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  const rows = input.changed.map((change) => {
    const findings = byFile.get(change.file) ?? [];
    const result = change.change === 'removed' ? '—' : findings.length === 0 ? '✅' : `${findings.some((f) => f.severity === 'error') ? '❌' : '⚠️'} ${counts(findings)}`;
    const why = change.reason ? `${change.change}: ${change.reason}` : change.change;
    return `| ${change.name ? code(change.name) : '—'} | ${code(change.file)} | ${cell(why)} | ${result} |`;
  });
  return ['| Pipeline | File | Change | Result |', '| --- | --- | --- | --- |', ...rows, ''];
}

function findingsSection(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const rows = findings.slice(0, MAX_FINDINGS).map((finding) =>
    `| ${ICON[finding.severity]} | ${code(`${finding.file}:${finding.line}:${finding.column}`)} | ${code(finding.rule)} | ${cell(finding.message)} |`);
  const more = findings.length > MAX_FINDINGS ? [`…and ${findings.length - MAX_FINDINGS} more; run \`orchestrate validate repo\` locally for all of them.`] : [];
  return ['#### Findings', '', '| | Location | Rule | Message |', '| --- | --- | --- | --- |', ...rows, ...more, ''];
}

function changesSection(diffs: readonly PipelineDiff[], changed: readonly PipelineChange[]): string[] {
  const lines: string[] = [];
  for (const diff of diffs) {
    const body = diffLines(diff);
    const dst = diff.schedule && diff.schedule.dstWarnings.length > 0 ? ' ⚠️ DST' : '';
    lines.push(`<details${dst ? ' open' : ''}><summary>${diff.name ? `<code>${html(diff.name)}</code>` : `<code>${html(diff.file)}</code>`} ${diff.status}: ${summaryOf(diff)}${dst}</summary>`, '', ...body, '', '</details>', '');
  }
  for (const change of changed) {
    if (change.change === 'changed' && change.reason && !diffs.some((diff) => diff.file === change.file)) {
      lines.push(`- ${change.name ? code(change.name) : code(change.file)}: pipeline file unchanged, ${cell(change.reason)} (a new version)`);
    }
  }
  return lines.length > 0 ? ['#### Changes', '', ...lines, ''] : [];
}

function summaryOf(diff: PipelineDiff): string {
  const parts = [
    diff.tasksAdded.length ? `${plural(diff.tasksAdded.length, 'task')} added` : '',
    diff.tasksRemoved.length ? `${plural(diff.tasksRemoved.length, 'task')} removed` : '',
    diff.tasksChanged.length ? `${plural(diff.tasksChanged.length, 'task')} changed` : '',
    diff.edgesAdded.length + diff.edgesRemoved.length ? `${plural(diff.edgesAdded.length + diff.edgesRemoved.length, 'edge')} changed` : '',
    diff.schedule ? 'schedule changed' : '',
  ].filter((part) => part !== '');
  return parts.length > 0 ? parts.join(', ') : 'no task, edge or schedule change';
}

function diffLines(diff: PipelineDiff): string[] {
  const lines = [
    ...diff.tasksAdded.map(({ task, type }) => `- ➕ task ${code(task)}${type ? ` (${code(type)})` : ''}`),
    ...diff.tasksRemoved.map(({ task, type }) => `- ➖ task ${code(task)}${type ? ` (${code(type)})` : ''}`),
    ...diff.tasksChanged.map(({ task, changes }) =>
      `- ✏️ task ${code(task)}: ${changes.map((change) => `${change.field} ${value(change.before)} → ${value(change.after)}`).join('; ')}`),
    ...diff.edgesAdded.map((edge) => `- ➕ edge ${code(edge)}`),
    ...diff.edgesRemoved.map((edge) => `- ➖ edge ${code(edge)}`),
  ];
  return diff.schedule ? [...lines, ...(lines.length ? [''] : []), ...scheduleLines(diff.schedule)] : lines;
}

function scheduleLines(schedule: ScheduleDiff): string[] {
  const side = (s: ScheduleDiff['before']) => (s ? `${code(s.cron)} (${s.timezone})` : '(none)');
  const lines = [`**Schedule** ${side(schedule.before)} → ${side(schedule.after)}`, '', '| Next runs | Before | After |', '| --- | --- | --- |'];
  const count = Math.max(schedule.before?.runs.length ?? 0, schedule.after?.runs.length ?? 0);
  for (let index = 0; index < count; index++) {
    const at = (s: ScheduleDiff['before']) => {
      const run = s?.runs[index];
      return run && s ? formatLocal(run, s.timezone) : '—';
    };
    lines.push(`| ${index + 1} | ${at(schedule.before)} | ${at(schedule.after)} |`);
  }
  if (schedule.dstWarnings.length > 0) lines.push('', '> [!WARNING]', ...schedule.dstWarnings.map((warning) => `> ${cell(warning)}<br>`));
  return lines;
}

function counts(findings: readonly Finding[]): string {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.filter((finding) => finding.severity === 'warning').length;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function value(text: string | undefined): string {
  if (text === undefined) return '(unset)';
  return code(text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text);
}

/** Inline code that survives backticks and pipes in the value and stays on one line. */
function code(text: string): string {
  const flat = maskUrlCredentials(text).replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
  const fence = flat.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${flat}${fence.length > 1 ? ' ' : ''}${fence}`;
}

/** Text in a table cell: one line, pipes escaped, no raw HTML. */
function cell(text: string): string {
  return html(maskUrlCredentials(text)).replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
