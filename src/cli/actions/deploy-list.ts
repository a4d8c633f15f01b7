import type { Deployment } from '../../gitops/deployments/deployment-fold.js';
import { openLedger, type LedgerFlags } from './open-ledger.js';

interface ListFlags extends LedgerFlags {
  format: 'table' | 'json';
}

/** `deploy list`: the branch's deployments, newest first. */
export async function listDeployments(flags: ListFlags): Promise<void> {
  await using opened = await openLedger(flags);
  const { deployments } = await opened.ledger.state();
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify(deployments, null, 2)}\n` : formatTable(deployments, `${opened.source.display} (${flags.branch})`));
}

function formatTable(deployments: readonly Deployment[], where: string): string {
  if (deployments.length === 0) return `No deployments of ${where} yet; \`orchestrate controller sync\` makes the first.\n`;
  const rows = deployments.map((deployment) => [
    deployment.id.slice(0, 8),
    deployment.sha.slice(0, 12),
    deployment.status,
    deployment.created_at.replace(/\.\d+Z$/, 'Z'),
    deployment.trigger,
    `+${deployment.added.length} ~${deployment.changed.length} -${deployment.removed.length}`,
  ]);
  const header = ['ID', 'SHA', 'STATUS', 'CREATED', 'TRIGGER', 'CHANGES'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]) => `${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ').trimEnd()}\n`;
  let text = line(header);
  deployments.forEach((deployment, index) => {
    text += line(rows[index] as string[]);
    if (deployment.status !== 'failed') return;
    for (const finding of deployment.findings) text += `    ${finding.file}:${finding.line}:${finding.column} ${finding.severity} ${finding.rule}: ${finding.message}\n`;
  });
  return text;
}
