import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResources, type ResourceCheckOptions } from '../../src/validate/resources/check-resources.js';
import { which } from '../../src/validate/resources/which.js';
import { validateFiles } from '../../src/validate/validate-files.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const GI = 2 ** 30;
/** A machine with 4 cores, 8Gi and no GPU, whatever runs the tests. */
const CAPACITY = { cpu: 4, memoryBytes: 8 * GI, gpu: 0 };
/** Files the tasks reference, so the file checks stay quiet. */
const SCRIPTS = ['tasks/job.py', 'tasks/job.js', 'sql/load.sql', 'jobs/spark.py', 'k8s/job.yaml'];

/** A PATH directory holding exactly these programs (empty scripts), so "missing" never depends on the machine. */
function pathWith(dir: ReturnType<typeof makeTempDir>, programs: readonly string[], subdirectory = 'bin'): string {
  for (const program of programs) chmodSync(dir.write(`${subdirectory}/${program}`, '#!/bin/sh\n'), 0o755);
  dir.write(`${subdirectory}/.keep`, '');
  return join(dir.path, subdirectory);
}

async function check(yaml: string, options: ResourceCheckOptions) {
  using dir = makeTempDir();
  for (const script of SCRIPTS) dir.write(script, '');
  const file = dir.write('pipelines/p.yaml', yaml);
  const searchPath = options.searchPath ?? pathWith(dir, ['sh', 'python3', 'node', 'spark-submit', 'docker']);
  const report = await validateFiles({ paths: [file], strict: false, root: dir.path, extraChecks: [(files) => checkResources(files, { ...options, searchPath })] });
  return report.findings.map(({ rule, line, column, message }) => ({ rule, line, column, message }));
}

const lines = (...body: string[]) => ['version: "2.1"', 'name: resources', ...body, ''].join('\n');

describe('resources/exceeds-capacity', () => {
  const cases: { name: string; yaml: string; want: { rule: string; line: number; column: number; message: string }[] }[] = [
    {
      name: 'a task request above the cores, at the value',
      yaml: lines('stages:', '  - name: s', '    tasks:', '      - name: big', '        type: noop', '        resources:', '          cpu: 8'),
      want: [{ rule: 'resources/exceeds-capacity', line: 9, column: 16, message: 'Task `s.big` requests 8 CPU cores, but the local executor has 4 CPU cores, so it could never start; lower the request, or set the capacity with `--capacity-cpu` if the machine that runs it is larger' }],
    },
    {
      name: 'millicores are converted before comparing',
      yaml: lines('stages:', '  - name: s', '    tasks:', '      - name: big', '        type: noop', '        resources: { cpu: 4500m }'),
      want: [{ rule: 'resources/exceeds-capacity', line: 8, column: 27, message: 'Task `s.big` requests 4.5 CPU cores, but the local executor has 4 CPU cores, so it could never start; lower the request, or set the capacity with `--capacity-cpu` if the machine that runs it is larger' }],
    },
    {
      name: 'memory inherited from the default, at the task name',
      yaml: lines('resources:', '  default:', '    memory: 16Gi', 'stages:', '  - name: s', '    tasks:', '      - name: heavy', '        type: noop'),
      want: [{ rule: 'resources/exceeds-capacity', line: 9, column: 15, message: 'Task `s.heavy` requests 16Gi of memory (inherited from `resources.default`), but the local executor has 8Gi of memory, so it could never start; lower the request, or set the capacity with `--capacity-memory` if the machine that runs it is larger' }],
    },
    {
      name: 'the stage entry overrides the default, the task overrides the stage',
      yaml: lines('resources:', '  default: { cpu: 64, memory: 1Gi }', '  s: { cpu: 2, memory: 32Gi }', 'stages:', '  - name: s', '    tasks:', '      - name: a', '        type: noop', '      - name: b', '        type: noop', '        resources: { memory: 2Gi }'),
      want: [{ rule: 'resources/exceeds-capacity', line: 9, column: 15, message: 'Task `s.a` requests 32Gi of memory (inherited from `resources.s`), but the local executor has 8Gi of memory, so it could never start; lower the request, or set the capacity with `--capacity-memory` if the machine that runs it is larger' }],
    },
    {
      name: 'a GPU when none is configured',
      yaml: lines('stages:', '  - name: train', '    tasks:', '      - name: fit', '        type: noop', '        resources:', '          gpu: 1'),
      want: [{ rule: 'resources/exceeds-capacity', line: 9, column: 16, message: 'Task `train.fit` requests 1 GPU, but the local executor has 0 GPUs, so it could never start; lower the request, or set the capacity with `--capacity-gpu` if the machine that runs it is larger' }],
    },
    {
      name: 'requests that fit, limits above capacity and `auto` say nothing',
      yaml: lines('stages:', '  - name: s', '    tasks:', '      - name: ok', '        type: noop', '        resources: { cpu: 4, memory: 8Gi, limits: { cpu: 16, memory: 64Gi } }', '      - name: sized', '        type: noop', '        resources: { cpu: auto*1.5, memory: auto+100Gi }'),
      want: [],
    },
    {
      name: 'Kubernetes tasks run in the cluster, not on this machine',
      yaml: lines('stages:', '  - name: s', '    tasks:', '      - name: k', '        type: kubernetes_manifest', '        manifest: k8s/job.yaml', '        resources: { cpu: 64 }'),
      want: [],
    },
    {
      name: 'a file that fails the schema is still checked',
      yaml: lines('stages:', '  - name: s', '    tasks:', '      - name: big', '        type: noop', '        retries: 3', '        resources:', '          memory: 9Gi'),
      want: [
        { rule: 'structure/unknown-key', line: 8, column: 9, message: 'Unknown key `retries`' },
        { rule: 'resources/exceeds-capacity', line: 10, column: 19, message: 'Task `s.big` requests 9Gi of memory, but the local executor has 8Gi of memory, so it could never start; lower the request, or set the capacity with `--capacity-memory` if the machine that runs it is larger' },
      ],
    },
  ];

  it.each(cases)('$name', async ({ yaml, want }) => {
    expect(await check(yaml, { capacity: CAPACITY })).toEqual(want);
  });

  it('defaults to this machine, with no GPUs', async () => {
    const findings = await check(lines('stages:', '  - name: s', '    tasks:', '      - name: t', '        type: noop', '        resources: { cpu: 100000, gpu: 0 }'), {});
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toMatch(/^Task `s\.t` requests 100000 CPU cores, but the local executor has \d+ CPU cores?,/);
  });
});

describe('resources/missing-binary', () => {
  const cases: { name: string; type: string; field?: string; present: string[]; missing?: string }[] = [
    { name: 'spark_job needs spark-submit', type: 'spark_job', field: 'application: jobs/spark.py', present: ['sh', 'python3'], missing: 'spark-submit' },
    { name: 'python_script needs python3', type: 'python_script', field: 'script: tasks/job.py', present: ['sh', 'python'], missing: 'python3' },
    { name: 'node_script needs node', type: 'node_script', field: 'script: tasks/job.js', present: ['sh'], missing: 'node' },
    { name: 'docker needs the docker CLI', type: 'docker', field: 'image: alpine:3.20', present: ['sh'], missing: 'docker' },
    { name: 'shell needs sh', type: 'shell', field: 'command: echo hi', present: ['bash'], missing: 'sh' },
    { name: 'sql_script needs no psql (the engine uses the pg driver)', type: 'sql_script', field: 'script: sql/load.sql', present: [] },
    { name: 'kubernetes_job needs no local program', type: 'kubernetes_job', field: 'image: alpine:3.20', present: [] },
    { name: 'a present program is found', type: 'spark_job', field: 'application: jobs/spark.py', present: ['spark-submit'] },
  ];

  it.each(cases)('$name', async ({ type, field, present, missing }) => {
    using dir = makeTempDir();
    const yaml = lines('stages:', '  - name: s', '    tasks:', '      - name: t', `        type: ${type}`, ...(field ? [`        ${field}`] : []));
    const findings = await check(yaml, { capacity: CAPACITY, searchPath: pathWith(dir, present) });
    expect(findings).toEqual(missing ? [{ rule: 'resources/missing-binary', line: 7, column: 15, message: `Task \`s.t\` (\`${type}\`) needs \`${missing}\`, which is not on this machine's PATH; install it or run the task with an executor that has it` }] : []);
  });
});

describe('which', () => {
  it('searches PATH in order and skips files that are not executable', () => {
    using dir = makeTempDir();
    dir.write('first/node', 'not executable');
    const second = pathWith(dir, ['node'], 'second');
    const searchPath = [join(dir.path, 'missing'), '', join(dir.path, 'first'), second].join(':');
    expect(which('node', searchPath)).toBe(join(second, 'node'));
    expect(which('spark-submit', searchPath)).toBeUndefined();
    expect(which('node', '')).toBeUndefined();
  });
});

describe('orchestrate validate pipeline --check-resources', () => {
  const pipeline = lines(
    'stages:', '  - name: s', '    tasks:',
    '      - name: spark', '        type: spark_job', '        application: jobs/spark.py', '        resources: { cpu: 3, memory: 2Gi }',
    '      - name: sh', '        type: shell', '        command: echo hi',
  );

  it('exits 1 with capacity and binary findings, using the capacity flags and PATH', () => {
    using dir = makeTempDir();
    for (const script of SCRIPTS) dir.write(script, '');
    const file = dir.write('pipelines/p.yaml', pipeline);
    const result = runCli(['validate', 'pipeline', '--pipeline', file, '--repo', dir.path, '--check-resources', '--capacity-cpu', '2', '--capacity-memory', '1Gi', '--output', 'json'], { env: { PATH: pathWith(dir, ['sh']) } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const findings = (JSON.parse(result.stdout) as { findings: { rule: string; line: number; column: number; message: string }[] }).findings;
    expect(findings.map(({ rule, line, column }) => ({ rule, line, column }))).toEqual([
      { rule: 'resources/missing-binary', line: 7, column: 15 },
      { rule: 'resources/exceeds-capacity', line: 9, column: 27 },
      { rule: 'resources/exceeds-capacity', line: 9, column: 38 },
    ]);
    expect(findings[1]?.message).toContain('requests 3 CPU cores, but the local executor has 2 CPU cores');
    expect(findings[2]?.message).toContain('requests 2Gi of memory, but the local executor has 1Gi of memory');
  });

  it('exits 0 when the capacity flags make room and the programs are there', () => {
    using dir = makeTempDir();
    for (const script of SCRIPTS) dir.write(script, '');
    const file = dir.write('pipelines/p.yaml', pipeline);
    const result = runCli(['validate', 'pipeline', '--pipeline', file, '--repo', dir.path, '--check-resources', '--capacity-cpu', '3', '--capacity-memory', '2048Mi'], { env: { PATH: pathWith(dir, ['sh', 'spark-submit']) } });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('✓ 1 pipeline file valid\n');
  });

  it('exits 2 on a capacity that is not a quantity', () => {
    const result = runCli(['validate', 'pipeline', '--pipeline', 'x.yaml', '--check-resources', '--capacity-memory', 'lots']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("option '--capacity-memory <size>' argument 'lots' is invalid. Expected a memory size such as `16Gi` or `512Mi`, got `lots`.");
  });
});
