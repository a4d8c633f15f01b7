import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../src/artifacts/file-artifact-store.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const EXECUTION = '9d2b6a52-0000-4000-8000-0000000000c1';

/** A work directory with one execution's artifacts, and an environment that reads no user configuration. */
async function seededWorkdir(path: string) {
  const workdir = join(path, 'work');
  const store = new FileArtifactStore({ root: join(workdir, 'artifacts') });
  const source = (name: string, content: string) => {
    const file = join(path, name);
    writeFileSync(file, content);
    return file;
  };
  const orders = await store.put({ executionId: EXECUTION, task: 'extract.extract_orders', path: 'orders_2024-01-15.jsonl', sourcePath: source('o', '{"id":1}\n'), type: 'dataset' });
  await store.put({ executionId: EXECUTION, task: 'transform.transform_orders', path: 'daily/totals.csv', sourcePath: source('t', 'id,total\n1,2\n'), type: 'dataset' });
  await store.put({ executionId: EXECUTION, task: 'load.load_to_warehouse', path: 'load/report.json', sourcePath: source('r', '{"rows":1}') });
  await store.put({ executionId: EXECUTION, task: 'load.audit', path: 'audit/report.json', sourcePath: source('a', '{"ok":true}') });
  const env = { ORCHESTRATION_WORKDIR: workdir, AUTO_ORCHESTRATOR_CONFIG_PATH: join(path, 'no-config.yaml') };
  return { workdir, env, orders };
}

describe('orchestrate artifact download', () => {
  it('copies one artifact by path or by file name to --output', async () => {
    using dir = makeTempDir();
    const { env, orders } = await seededWorkdir(dir.path);
    const output = join(dir.path, 'recovered', 'orders.jsonl');
    const byPath = runCli(['artifact', 'download', '--execution-id', EXECUTION, '--artifact', 'orders_2024-01-15.jsonl', '--output', output], { env });
    expect(byPath.stderr).toBe('');
    expect(byPath.status).toBe(0);
    expect(byPath.stdout).toBe(`Downloaded orders_2024-01-15.jsonl (task extract.extract_orders, 9 bytes, sha256 ${orders.sha256}) to ${output}\n`);
    expect(readFileSync(output, 'utf8')).toBe('{"id":1}\n');

    // By file name, into an existing directory.
    const byName = runCli(['artifact', 'download', '--execution-id', EXECUTION, '--artifact', 'totals.csv', '--output', dir.path], { env });
    expect(byName.status).toBe(0);
    expect(readFileSync(join(dir.path, 'totals.csv'), 'utf8')).toBe('id,total\n1,2\n');
  });

  it('takes the work directory from --workdir over the environment', async () => {
    using dir = makeTempDir();
    const { workdir, env } = await seededWorkdir(dir.path);
    const result = runCli(['artifact', 'download', '--execution-id', EXECUTION, '--artifact', 'report.json', '--task', 'load_to_warehouse', '--output', join(dir.path, 'r.json'), '--workdir', workdir], {
      env: { ...env, ORCHESTRATION_WORKDIR: join(dir.path, 'elsewhere') },
    });
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir.path, 'r.json'), 'utf8')).toBe('{"rows":1}');
  });

  it('exits 1 naming an unknown execution, an unknown artifact with the ones there are, and an ambiguous name', async () => {
    using dir = makeTempDir();
    const { workdir, env } = await seededWorkdir(dir.path);
    const out = join(dir.path, 'x');
    const unknownExecution = runCli(['artifact', 'download', '--execution-id', 'no-such-run', '--artifact', 'a', '--output', out], { env });
    expect(unknownExecution).toMatchObject({
      status: 1,
      stderr: `error: No artifacts are recorded for execution \`no-such-run\` in ${join(workdir, 'artifacts')}. Check the id with \`orchestrate history list\`, or pass the --workdir the run used.\n`,
    });

    const unknownArtifact = runCli(['artifact', 'download', '--execution-id', EXECUTION, '--artifact', 'orders.parquet', '--output', out], { env });
    expect(unknownArtifact.status).toBe(1);
    expect(unknownArtifact.stderr).toBe(
      `error: Execution ${EXECUTION} stored no artifact \`orders.parquet\`; it stored: orders_2024-01-15.jsonl (task extract.extract_orders), daily/totals.csv (task transform.transform_orders), load/report.json (task load.load_to_warehouse), audit/report.json (task load.audit)\n`,
    );

    const ambiguous = runCli(['artifact', 'download', '--execution-id', EXECUTION, '--artifact', 'report.json', '--output', out], { env });
    expect(ambiguous).toMatchObject({
      status: 1,
      stderr: 'error: `report.json` matches artifacts of several tasks (load.load_to_warehouse: load/report.json, load.audit: audit/report.json); choose one with --task\n',
    });
    const otherTask = runCli(['artifact', 'download', '--execution-id', EXECUTION, '--artifact', 'totals.csv', '--task', 'extract_orders', '--output', out], { env });
    expect(otherTask.stderr).toContain(`error: Execution ${EXECUTION} stored no artifact \`totals.csv\` from task extract_orders; it stored:`);
  });

  it('exits 2 on a missing flag and on an execution id that cannot be one', async () => {
    using dir = makeTempDir();
    const { env } = await seededWorkdir(dir.path);
    expect(runCli(['artifact', 'download', '--execution-id', EXECUTION, '--artifact', 'a'], { env })).toMatchObject({ status: 2, stderr: expect.stringContaining("required option '--output <file>' not specified") });
    expect(runCli(['artifact', 'download', '--execution-id', '../etc', '--artifact', 'a', '--output', 'x'], { env })).toMatchObject({ status: 2, stderr: expect.stringContaining('Expected an execution id') });
  });

  it('exits 1 and writes nothing when the stored copy is corrupted', async () => {
    using dir = makeTempDir();
    const { env, orders } = await seededWorkdir(dir.path);
    const blob = new URL(orders.uri);
    chmodSync(blob, 0o644);
    writeFileSync(blob, '{"id":2}\n');
    const output = join(dir.path, 'orders.jsonl');
    const result = runCli(['artifact', 'download', '--execution-id', EXECUTION, '--artifact', 'orders_2024-01-15.jsonl', '--output', output], { env });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`error: Artifact \`orders_2024-01-15.jsonl\` of task extract.extract_orders (execution ${EXECUTION}) is corrupted`);
    expect(() => readFileSync(output)).toThrow();
  });
});

describe('orchestrate artifact download-all', () => {
  it('copies every artifact under its path and lists them', async () => {
    using dir = makeTempDir();
    const { env } = await seededWorkdir(dir.path);
    const output = join(dir.path, 'recovered');
    const result = runCli(['artifact', 'download-all', '--execution-id', EXECUTION, '--output', output], { env });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      `Downloaded 4 artifacts of execution ${EXECUTION} to ${output}\n` +
        '  orders_2024-01-15.jsonl  9 bytes  task extract.extract_orders\n' +
        '  daily/totals.csv  13 bytes  task transform.transform_orders\n' +
        '  load/report.json  10 bytes  task load.load_to_warehouse\n' +
        '  audit/report.json  11 bytes  task load.audit\n',
    );
    expect(readFileSync(join(output, 'daily', 'totals.csv'), 'utf8')).toBe('id,total\n1,2\n');
    expect(readFileSync(join(output, 'audit', 'report.json'), 'utf8')).toBe('{"ok":true}');
  });
});
