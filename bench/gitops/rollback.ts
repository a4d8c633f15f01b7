import { spawn } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureNodeStartup } from '../engine/cli-chain.js';
import { median } from '../measure.js';
import type { Table, TargetResult } from '../suite.js';
import { makeBenchRepo } from './git-repo.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'pipelines-example');
/** The CLI users run (package.json `bin`): the bundle beside dist/bench. */
const CLI = join(import.meta.dirname, '..', '..', 'cli', 'orchestrate.mjs');

/**
 * Which task the bad commit changed: the last one alone, or the transform (and so everything
 * after it). Only the first is held to the rule: when three of the five tasks, three of the four
 * steps of the chain, must run again, no rollback can take half the run; that row shows what a
 * checkpoint still saves.
 */
const CHANGES = [
  { name: 'the load task changed', script: 'tasks/load_warehouse.py', rerun: 1, heldToRule: true },
  { name: 'the transform changed', script: 'tasks/transform_orders.py', rerun: 3, heldToRule: false },
] as const;

export interface RollbackBench {
  table: Table;
  targets: TargetResult[];
  notes: string[];
}

/**
 * Seed 000's golden rule on the example pipeline (`daily_sales_etl`, five Python tasks), through
 * the built CLI as a user runs it: a full `orchestrate run` of the bad commit against
 * `orchestrate rollback execute --to-sha <good>` (checkpoint), which restores the artifacts of
 * the unchanged tasks and re-runs the changed one and what follows it.
 */
export async function benchRollback(root: string, log: (line: string) => void, options: { repeats: number }): Promise<RollbackBench> {
  const startup = await measureNodeStartup(5);
  const rows: string[][] = [];
  const targets: TargetResult[] = [];
  for (const [index, change] of CHANGES.entries()) {
    log(`gitops: rollback golden rule, ${change.name}`);
    const repo = await makeBenchRepo(join(root, `example-${index}`));
    cpSync(EXAMPLE, repo.path, { recursive: true, filter: (source) => !source.includes('/.') });
    const good = await repo.commit({}, 'good');
    const original = readFileSync(join(repo.path, change.script), 'utf8');
    await repo.commit({ [change.script]: `${original}\n# a change that makes this a new version of the task\n` }, 'bad');
    const workdir = join(root, `work-${index}`);
    const cli = (args: string[]) => timeCli([...args], { ORCHESTRATION_WORKDIR: workdir });
    const bad = await cli(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'daily_sales_etl']);
    const full: number[] = [];
    const rollback: number[] = [];
    const fullLedger: number[] = [];
    const rollbackLedger: number[] = [];
    for (let round = 0; round < options.repeats + 1; round++) {
      // Alternate which goes first, so neither always follows a cold cache.
      const pair = round % 2 === 0 ? ['full', 'rollback'] : ['rollback', 'full'];
      for (const which of pair) {
        const result = which === 'full' ? await cli(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'daily_sales_etl']) : await cli(['rollback', 'execute', '--repo', repo.path, '--execution-id', bad.id, '--to-sha', good]);
        // The first round warms the mirror, the page cache and Python.
        if (round === 0) continue;
        (which === 'full' ? full : rollback).push(result.ms);
        (which === 'full' ? fullLedger : rollbackLedger).push(ledgerSpanMs(workdir, result.id));
      }
    }
    const [fullMs, rollbackMs] = [median(full), median(rollback)];
    const ratio = rollbackMs / fullMs;
    const withoutStartup = (rollbackMs - startup) / (fullMs - startup);
    const [fullSpan, rollbackSpan] = [median(fullLedger), median(rollbackLedger)];
    rows.push([change.name, `${change.rerun} of 5`, fullMs.toFixed(0), rollbackMs.toFixed(0), ratio.toFixed(2), withoutStartup.toFixed(2), `${fullSpan.toFixed(0)} / ${rollbackSpan.toFixed(0)}`, (rollbackSpan / fullSpan).toFixed(2)]);
    if (change.heldToRule) targets.push({ target: `rollback < 50 % of a full run (${change.name})`, measured: `${(ratio * 100).toFixed(0)} %`, pass: ratio < 0.5 });
  }
  return {
    table: {
      title: `Golden rule: checkpoint rollback vs full run of daily_sales_etl, through the CLI (median of ${options.repeats})`,
      columns: ['bad commit', 'tasks re-run', 'full run ms', 'rollback ms', 'rollback / full', 'same, node start-up off both', 'ledger span ms full / rollback', 'ledger span ratio'],
      rows,
    },
    targets,
    notes: [
      `node start-up alone (\`node -e ""\`, median of 5): ${startup.toFixed(0)} ms, paid once by both commands`,
      'ledger span: from `execution.created` to `execution.finished` of each execution; for a rollback it includes restoring the artifacts, not the planning before it (reading both commits, the ledgers and the artifact index)',
      'the transform row is not held to the rule: the transform, the checks and the load, three of the four steps of the chain, run again whatever the rollback does',
    ],
  };
}

/** Milliseconds between an execution's first and last event, by their wall clocks. */
function ledgerSpanMs(workdir: string, executionId: string): number {
  const lines = readFileSync(join(workdir, 'state', 'executions', `${executionId}.ndjson`), 'utf8').trim().split('\n');
  const at = (line: string | undefined) => Date.parse((JSON.parse(line ?? '{}') as { at: string }).at);
  return at(lines.at(-1)) - at(lines[0]);
}

async function timeCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; id: string }> {
  const start = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`orchestrate ${args.join(' ')} exited ${code}:\n${out}${err}`);
  return { ms, id: /^Starting execution (\S+)$/m.exec(out)?.[1] ?? '' };
}
