import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planExecution } from '../../src/dag/execution-plan.js';
import { PIPELINE_KINDS } from '../../src/spec/scaffold.js';
import type { ValidationJson } from '../../src/validate/report/json.js';
import { validateFiles } from '../../src/validate/validate-files.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * Every example pipeline passes `--strict` without a single finding and has the plan its
 * README describes; `orchestrate pipeline create` writes pipelines that pass `--strict` too.
 */

const EXAMPLES_ROOT = join(PROJECT_ROOT, 'pipelines-example');
const PIPELINES = join(EXAMPLES_ROOT, 'pipelines');

/** Tasks and waves of each example; a new example needs a row here. */
const PLANS: Record<string, { tasks: number; waves: number }> = {
  // extract_orders and extract_customers together, then transform, check, load.
  'daily_sales_etl.yaml': { tasks: 5, waves: 4 },
  'http_example.yaml': { tasks: 1, waves: 1 },
  'node_script_example.yaml': { tasks: 2, waves: 2 },
  // list, three counts fanned out, join, summarize, cleanup.
  'shell_example.yaml': { tasks: 7, waves: 5 },
  'sql_script_example.yaml': { tasks: 2, waves: 2 },
};

describe('pipelines-example', () => {
  const files = readdirSync(PIPELINES).filter((name) => /\.ya?ml$/.test(name)).sort();

  it('has a plan expectation for every example and an example for every expectation', () => {
    expect(files).toEqual(Object.keys(PLANS).sort());
  });

  it.each(files)('%s passes --strict with no finding and plans as expected', async (name) => {
    const report = await validateFiles({ paths: [join(PIPELINES, name)], strict: true, root: EXAMPLES_ROOT });
    expect(report.findings).toEqual([]);
    const pipeline = report.files[0]?.pipeline;
    expect(pipeline).toBeDefined();
    if (!pipeline) return;
    const plan = planExecution(pipeline);
    expect({ tasks: plan.tasks, waves: plan.waves.length }).toEqual(PLANS[name]);
    expect(plan.waves.flat()).toHaveLength(plan.tasks);
  });

  it.each(files)('%s starts with the editor schema comment', (name) => {
    expect(readFileSync(join(PIPELINES, name), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\S+pipeline\.schema\.json\n/);
  });
});

describe('orchestrate pipeline create', () => {
  it.each(PIPELINE_KINDS)('--type %s writes a pipeline that passes validate --strict', (kind) => {
    using dir = makeTempDir('orchestrate-create-');
    const created = runCli(['pipeline', 'create', '--name', `new_${kind}`, '--type', kind, '--stages', '3', '--schedule', '0 2 * * *', '--timezone', 'Europe/Paris', '--output', 'pipelines/new.yaml'], { cwd: dir.path });
    expect(created).toMatchObject({ status: 0, stderr: '' });
    expect(created.stdout).toContain('passes `validate pipeline --strict`');

    const validated = runCli(['validate', 'pipeline', '--pipeline', 'pipelines/new.yaml', '--strict', '--repo', '.', '--output', 'json'], { cwd: dir.path });
    expect(validated.status).toBe(0);
    const report = JSON.parse(validated.stdout) as ValidationJson;
    expect(report).toEqual({ valid: true, counts: { files: 1, errors: 0, warnings: 0, notes: 0 }, findings: [] });

    const plan = runCli(['pipeline', 'execute', '--pipeline', 'pipelines/new.yaml', '--dry-run', '--format', 'json', '--repo', '.'], { cwd: dir.path });
    expect(plan.status).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ pipeline: `new_${kind}`, stages: 3, tasks: 3 });
  });

  it('refuses to overwrite an existing file without --force (exit 2), and overwrites with it', () => {
    using dir = makeTempDir('orchestrate-create-');
    const file = dir.write('existing.yaml', 'keep me\n');
    const refused = runCli(['pipeline', 'create', '--name', 'again', '--output', 'existing.yaml'], { cwd: dir.path });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^error: \S*existing\.yaml already exists; pass --force to overwrite it\n$/);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');

    const forced = runCli(['pipeline', 'create', '--name', 'again', '--output', 'existing.yaml', '--force'], { cwd: dir.path });
    expect(forced.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('name: again');
  });
});
