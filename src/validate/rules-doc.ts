import { RULES, RULE_IDS, type RuleGroup } from './rules.js';

const GROUP_TITLES: Record<RuleGroup, string> = {
  structure: 'Structure: the file, its fields and values',
  graph: 'Graph: dependencies between tasks',
  strict: 'Strict: what a careful reviewer asks for (`--strict`)',
  connections: 'Connections (`--check-connections`)',
  resources: 'Resources (`--check-resources`)',
};

/** `docs/rules.md`, generated from the catalog so the two never disagree. */
export function rulesMarkdown(): string {
  const lines = [
    '# Validation rules',
    '',
    'Generated from `src/validate/rules.ts` by `npm run schemas`; do not edit by hand.',
    'Each finding names its rule. Ids are stable: code scanning tracks alerts by them.',
    'Severities are the defaults; `--strict` turns `structure/unknown-key` into an error.',
  ];
  for (const group of Object.keys(GROUP_TITLES) as RuleGroup[]) {
    lines.push('', `## ${GROUP_TITLES[group]}`);
    for (const id of RULE_IDS.filter((rule) => RULES[rule].group === group)) {
      const rule = RULES[id];
      lines.push('', `### ${id}`, '', `Severity: **${rule.severity}**`, '', rule.summary, '', `Fix: ${rule.help}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
