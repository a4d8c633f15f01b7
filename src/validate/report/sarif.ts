import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../finding.js';
import { RULES, RULE_IDS, type RuleId } from '../rules.js';
import type { ValidationReport } from '../validate-files.js';

export const TOOL_NAME = 'auto-orchestrator';
export const INFORMATION_URI = 'https://github.com/auto-orchestrator/auto-orchestrator';
export const RULES_HELP_URI = `${INFORMATION_URI}/blob/main/docs/rules.md`;

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };

/**
 * SARIF 2.1.0 for GitHub code scanning: one run, every rule in the driver, results located
 * relative to the repository root (`%SRCROOT%`), with a fingerprint that survives lines moving.
 */
export function toSarif(report: ValidationReport, version: string): object {
  const ruleIndex = new Map(RULE_IDS.map((id, index) => [id, index]));
  const texts = new Map(report.files.map((file) => [file.uri, file.text?.split('\n')]));
  const seen = new Map<string, number>();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version,
            semanticVersion: version,
            informationUri: INFORMATION_URI,
            rules: RULE_IDS.map((id) => ruleDescriptor(id)),
          },
        },
        // pathToFileURL percent-encodes `#`, `?` and `%` (encodeURI leaves the first two, cutting the URI short).
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(report.root).href.replace(/\/?$/, '/') } },
        results: report.findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: ruleIndex.get(finding.rule),
          level: LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relativeUri(finding.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: Math.max(finding.endColumn, finding.endLine === finding.line ? finding.column + 1 : 1) },
              },
            },
          ],
          partialFingerprints: { 'orchestrateFinding/v1': fingerprint(finding, texts.get(finding.file), seen, report.root) },
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}

function ruleDescriptor(id: RuleId) {
  const rule = RULES[id];
  return {
    id,
    name: id.split('/')[1]?.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase()),
    shortDescription: { text: rule.summary },
    fullDescription: { text: `${rule.summary} ${rule.help}` },
    help: { text: rule.help, markdown: `${rule.help}\n\nSee [${id}](${RULES_HELP_URI}#${anchor(id)}).` },
    helpUri: `${RULES_HELP_URI}#${anchor(id)}`,
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: [rule.group] },
  };
}

/** Anchor of a rule's section in docs/rules.md (GitHub's heading slugs). */
export function anchor(id: RuleId): string {
  return id.replace(/\//g, '').toLowerCase();
}

/** A root-relative path as a relative URI reference: each segment encoded, so `#`, `?`, `%` and `:` stay literal. */
function relativeUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/**
 * Rule + file + the text of the flagged line (not its number) + which repeat of that line it is,
 * so an alert keeps its identity when lines above it are added or removed. The repository root is
 * taken out of the message (some messages name it), so two checkouts in different directories agree.
 */
function fingerprint(finding: Finding, lines: string[] | undefined, seen: Map<string, number>, root: string): string {
  const lineText = (lines?.[finding.line - 1] ?? '').trim();
  const message = finding.message.split(root).join('%SRCROOT%');
  const key = `${finding.rule}\0${finding.file}\0${lineText}\0${message}`;
  const occurrence = seen.get(key) ?? 0;
  seen.set(key, occurrence + 1);
  return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}:${occurrence + 1}`;
}
