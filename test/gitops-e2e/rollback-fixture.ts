import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { makeGitRepo, type GitFixture } from '../../bench/support/git-repo.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

/**
 * Three stages, one task each, every task storing one artifact: `fetch` copies rows, `letter`
 * writes a letter per row (the script v1 and v2 differ in), `report` summarises the letters.
 */
export const LETTERS_PIPELINE = `version: "2.1"
name: letters
stages:
  - name: extract
    tasks:
      - name: fetch
        type: node_script
        script: scripts/fetch.js
        output_artifacts: [{ path: rows.txt, type: dataset }]
  - name: transform
    tasks:
      - name: letter
        type: node_script
        script: scripts/letter.js
        output_artifacts: [{ path: letters.txt, type: dataset }]
  - name: publish
    tasks:
      - name: report
        type: node_script
        script: scripts/report.js
        output_artifacts: [{ path: report.txt, type: report }]
`;

const IO = "const fs = require('node:fs'); const path = require('node:path'); const out = (name) => path.join(process.env.OUTPUT_DIR, name);\n";

export function letterScript(letter: string): string {
  return `${IO}const rows = fs.readFileSync(out('rows.txt'), 'utf8').trim().split('\\n');\nfs.writeFileSync(out('letters.txt'), rows.map((row) => row + '=' + ${JSON.stringify(letter)}).join('\\n') + '\\n');\n`;
}

export const FETCH_SCRIPT = `${IO}fs.writeFileSync(out('rows.txt'), 'r1\\nr2\\nr3\\n');\n`;
export const REPORT_SCRIPT = `${IO}const letters = fs.readFileSync(out('letters.txt'), 'utf8');\nfs.writeFileSync(out('report.txt'), 'report: ' + letters.split('\\n').filter(Boolean).length + ' rows, first ' + letters.split('\\n')[0] + '\\n');\n`;

/** An origin repository where v1 writes `A` and v2 changes only the letter script to write `B`. */
export function lettersRepo(path: string): { repo: GitFixture; v1: string; v2: string } {
  const repo = makeGitRepo(path);
  const v1 = repo.commit({ 'pipelines/letters.yaml': LETTERS_PIPELINE, 'scripts/fetch.js': FETCH_SCRIPT, 'scripts/letter.js': letterScript('A'), 'scripts/report.js': REPORT_SCRIPT }, 'v1');
  const v2 = repo.commit({ 'scripts/letter.js': letterScript('B') }, 'v2');
  return { repo, v1, v2 };
}

export interface LedgerLine {
  type: string;
  task?: string;
  attempt?: number;
  path?: string;
  sha256?: string;
  restored_from?: string;
  [field: string]: unknown;
}

export function readLedger(workdir: string, executionId: string): LedgerLine[] {
  return readFileSync(join(workdir, 'state', 'executions', `${executionId}.ndjson`), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as LedgerLine);
}

export function ledgerFiles(workdir: string): string[] {
  return readdirSync(join(workdir, 'state', 'executions')).filter((name) => name.endsWith('.ndjson')).sort();
}

/** Tasks that really ran: the ones with a `task.started` event. */
export function startedTasks(ledger: readonly LedgerLine[]): string[] {
  return [...new Set(ledger.filter((event) => event.type === 'task.started').map((event) => event.task as string))];
}

/** path → sha256 of every artifact the ledger records. */
export function artifactHashes(ledger: readonly LedgerLine[]): Record<string, string> {
  return Object.fromEntries(ledger.filter((event) => event.type === 'artifact.stored').map((event) => [event.path as string, event.sha256 as string]));
}

/** Runs the built CLI and returns the id it printed first, failing the test on an unexpected exit. */
export function runAndId(args: readonly string[], env: NodeJS.ProcessEnv, expectedStatus = 0): { id: string; result: CliResult } {
  const result = runCli(args, { env });
  if (result.status !== expectedStatus) expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({ status: expectedStatus });
  const id = /^Starting execution ([0-9a-f-]{36})$/m.exec(result.stdout)?.[1];
  expect(result.stdout.split('\n')[0]).toBe(`Starting execution ${id}`);
  return { id: id as string, result };
}
