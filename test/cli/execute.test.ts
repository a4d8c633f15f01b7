import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { copyExample, execute, executionIdOf, stateOf, taskStatuses } from './execute-support.js';

const ID_LINE = /^Starting execution [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n/;

/** A pipeline of shell tasks: `steps` maps `stage.task` to a command; each stage depends on the one before. */
function shellPipeline(name: string, steps: Record<string, string>, extra = ''): string {
  const stages = new Map<string, string[]>();
  for (const [id, command] of Object.entries(steps)) {
    const [stage, task] = id.split('.') as [string, string];
    stages.set(stage, [...(stages.get(stage) ?? []), `      - name: ${task}\n        type: shell\n        command: ${JSON.stringify(command)}\n        retry: false\n        timeout: 1m`]);
  }
  const body = [...stages].map(([stage, tasks]) => `  - name: ${stage}\n    tasks:\n${tasks.join('\n')}`).join('\n');
  return `version: "2.1"\nname: ${name}\n${extra}stages:\n${body}\n`;
}

describe('pipeline execute', () => {
  it('runs the example ETL for real: every task succeeds, outputs and artifacts are where the summary says', async () => {
    using dir = makeTempDir('orchestrate-execute-');
    copyExample(dir.path);
    const result = execute(dir.path, ['--pipeline', 'pipelines/daily_sales_etl.yaml', '--ds', '2024-01-15']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(ID_LINE);
    const id = executionIdOf(result.stdout);
    expect(result.stdout).toContain(`Execution ${id} succeeded`);
    // Task output is echoed with its task id in front.
    expect(result.stdout).toMatch(/^extract\.extract_orders \| extracted 31 orders for 2024-01-15/m);
    const outputDir = join(dir.path, 'work', 'executions', id, 'output');
    expect(result.stdout).toContain(`Outputs:   ${outputDir}`);
    expect(readFileSync(join(outputDir, 'load_report_2024-01-15.json'), 'utf8')).toContain('27');
    expect(result.stdout).toMatch(/^ {2}load\.load_to_warehouse +load_report_2024-01-15\.json/m);
    const state = await stateOf(join(dir.path, 'work'), id);
    expect(state.status).toBe('succeeded');
    expect(Object.values(taskStatuses(state))).toEqual(Array(5).fill('succeeded'));
    expect(state.stages.find((stage) => stage.name === 'validate')?.tasks[0]?.artifacts.map((artifact) => artifact.path)).toEqual(['validated_orders_2024-01-15.jsonl']);
    // The output also went to the log store, not the ledger.
    const ledger = readFileSync(join(dir.path, 'work', 'state', 'executions', `${id}.ndjson`), 'utf8');
    expect(ledger).not.toContain('extracted 31 orders');
    // The idempotency key is recorded as the task saw it: it names no secret, so it is not redacted.
    const started = ledger.trim().split('\n').map((line) => JSON.parse(line) as { type: string; task?: string; idempotency_key?: string }).filter((event) => event.type === 'task.started');
    expect(started.map((event) => event.idempotency_key)).toEqual(started.map((event) => `${id}:${event.task}:1`));
  });

  it('exits 1 naming the failing task, and does not run what depends on it', async () => {
    using dir = makeTempDir('orchestrate-execute-');
    dir.write('fails.yaml', shellPipeline('fails', { 'one.ok': 'echo fine', 'two.bad': 'echo broken >&2; exit 3', 'three.after': 'echo never' }));
    const result = execute(dir.path, ['--pipeline', 'fails.yaml']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^\[FAIL\] +two\.bad failed on attempt 1: exit code 3/m);
    expect(result.stdout).toMatch(/^two\.bad ! broken$/m);
    expect(result.stdout).toMatch(/^Execution \S+ failed/m);
    expect(result.stdout).not.toContain('never');
    const state = await stateOf(join(dir.path, 'work'), executionIdOf(result.stdout));
    expect(taskStatuses(state)).toEqual({ 'one.ok': 'succeeded', 'two.bad': 'failed', 'three.after': 'skipped' });
  });

  it('records --skip-tasks as skipped and runs the rest', async () => {
    using dir = makeTempDir('orchestrate-execute-');
    dir.write('skips.yaml', shellPipeline('skips', { 'one.a': 'echo a', 'one.b': 'echo b', 'two.c': 'echo c' }));
    const result = execute(dir.path, ['--pipeline', 'skips.yaml', '--skip-tasks', 'b']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\[SKIP\] +one\.b skipped: skipped by --skip-tasks$/m);
    expect(result.stdout).not.toContain('one.b | b');
    const state = await stateOf(join(dir.path, 'work'), executionIdOf(result.stdout));
    expect(taskStatuses(state)).toEqual({ 'one.a': 'succeeded', 'one.b': 'skipped', 'two.c': 'succeeded' });
  });

  it('lets --vars and --env override variables, --env winning, and records them', async () => {
    using dir = makeTempDir('orchestrate-execute-');
    const variables = 'variables:\n  GREETING: hello\n  TARGET: world\n  PUNCT: "."\n';
    dir.write('greet.yaml', shellPipeline('greet', { 'say.hi': 'echo "$MSG"' }, variables).replace('timeout: 1m', 'timeout: 1m\n        env:\n          MSG: "{{ GREETING }} {{ TARGET }}{{ PUNCT }}"'));
    dir.write('vars.json', JSON.stringify({ GREETING: 'hi', TARGET: 'from vars', GREETNIG: 'typo' }));
    const result = execute(dir.path, ['--pipeline', 'greet.yaml', '--vars', 'vars.json', '--env', 'TARGET=there', '--env', 'PUNCT=!']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('warning: --vars vars.json sets `GREETNIG`, which greet does not declare under `variables`; it is ignored\n');
    expect(result.stdout).toMatch(/^say\.hi \| hi there!$/m);
    const state = await stateOf(join(dir.path, 'work'), executionIdOf(result.stdout));
    expect(state.variables).toEqual({ GREETING: 'hi', TARGET: 'there', PUNCT: '!' });
  });

  it('writes only pino JSON lines with --log-format json: the id first, each transition, task output, the result', () => {
    using dir = makeTempDir('orchestrate-execute-');
    dir.write('json.yaml', shellPipeline('json_lines', { 'one.a': 'echo from a', 'two.b': 'echo from b' }));
    const result = execute(dir.path, ['--pipeline', 'json.yaml', '--log-format', 'json']);
    expect(result.status).toBe(0);
    const records = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const id = (records[0]?.msg as string).replace('Starting execution ', '');
    expect(records[0]).toMatchObject({ level: 30, executionId: id, pipeline: 'json_lines', event: 'execution.starting' });
    expect(records).toContainEqual(expect.objectContaining({ event: 'task.output', task: 'one.a', stream: 'stdout', msg: 'from a', executionId: id }));
    expect(records).toContainEqual(expect.objectContaining({ event: 'task.succeeded', task: 'two.b', attempt: 1 }));
    expect(records.at(-1)).toMatchObject({ event: 'execution.finished', status: 'succeeded', output_dir: join(dir.path, 'work', 'executions', id, 'output') });
  });

  it('ends failed with reason timeout when --timeout runs out, killing the task', async () => {
    using dir = makeTempDir('orchestrate-execute-');
    dir.write('slow.yaml', shellPipeline('slow', { 'one.wait': 'sleep 30' }));
    const result = execute(dir.path, ['--pipeline', 'slow.yaml', '--timeout', '1s']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^Execution \S+ failed in [\d.]+s \(timeout\)$/m);
    const state = await stateOf(join(dir.path, 'work'), executionIdOf(result.stdout));
    expect(state).toMatchObject({ status: 'failed', reason: 'timeout' });
    expect(taskStatuses(state)).toEqual({ 'one.wait': 'cancelled' });
  });

  it('prints validation errors like validate does and exits 1 before anything runs', () => {
    using dir = makeTempDir('orchestrate-execute-');
    dir.write('broken.yaml', shellPipeline('broken', { 'one.a': 'echo a' }).replace('type: shell', 'type: shel'));
    const result = execute(dir.path, ['--pipeline', 'broken.yaml']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^broken\.yaml:\d+:\d+ +error/m);
    expect(existsSync(join(dir.path, 'work'))).toBe(false);
  });

  it.each([
    ['--ds', '2024-02-30', /Expected a date as YYYY-MM-DD/],
    ['--env', 'NOEQUALS', /Expected KEY=VALUE/],
    ['--timeout', 'soon', /Expected a duration/],
    ['--parallel', '0', /Expected a positive whole number/],
  ])('exits 2 on %s %s', (flag, value, message) => {
    using dir = makeTempDir('orchestrate-execute-');
    dir.write('ok.yaml', shellPipeline('ok', { 'one.a': 'echo a' }));
    const result = execute(dir.path, ['--pipeline', 'ok.yaml', flag, value]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 naming the file when --vars is not a mapping', () => {
    using dir = makeTempDir('orchestrate-execute-');
    dir.write('ok.yaml', shellPipeline('ok', { 'one.a': 'echo a' }));
    dir.write('vars.yaml', '- a\n- b\n');
    const result = execute(dir.path, ['--pipeline', 'ok.yaml', '--vars', 'vars.yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('error: --vars vars.yaml must hold a mapping of names to values (such as `NAME: value`), not a list.\n');
  });

  it('adds an estimated duration to --dry-run once the pipeline has history', () => {
    using dir = makeTempDir('orchestrate-execute-');
    dir.write('ok.yaml', shellPipeline('estimated', { 'one.a': 'echo a', 'two.b': 'echo b' }));
    const before = execute(dir.path, ['--pipeline', 'ok.yaml', '--dry-run']);
    expect(before.status).toBe(0);
    expect(before.stdout).toContain('Estimated duration: unknown (no succeeded execution of estimated in the state store yet)');
    expect(execute(dir.path, ['--pipeline', 'ok.yaml']).status).toBe(0);
    const after = execute(dir.path, ['--pipeline', 'ok.yaml', '--dry-run']);
    expect(after.stdout).toMatch(/^Estimated duration: \d+(ms|\.\d+s) \(median of the last 1 succeeded execution\)$/m);
  });
});
