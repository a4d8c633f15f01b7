import { randomBytes } from 'node:crypto';
import { chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpecError } from '../../src/errors.js';
import type { AttemptSpec, Executor } from '../../src/executors/executor.js';
import { LocalExecutor } from '../../src/executors/local-executor.js';
import { createExecutorRegistry } from '../../src/executors/registry.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { BURN_CPU, collectLines, makeAttempt, makeLeakGuard } from './process-helpers.js';

const guard = makeLeakGuard();
const executor = new LocalExecutor({ killGraceMs: 500 });
const DATABASE = 'postgresql://postgres@127.0.0.1:5432/test';

afterEach(() => {
  const leaked = guard.leaked();
  guard.killLeaked();
  expect(leaked, 'processes the test left running').toEqual([]);
});

function start(attempt: Partial<AttemptSpec> & Pick<AttemptSpec, 'type'>, signal = new AbortController().signal) {
  const out = collectLines();
  const handle = executor.start(makeAttempt({ ...attempt, env: { ...guard.env, ...attempt.env } }), { signal, onLine: out.onLine });
  return { handle, out };
}

async function run(attempt: Partial<AttemptSpec> & Pick<AttemptSpec, 'type'>, signal?: AbortSignal) {
  const { handle, out } = start(attempt, signal);
  return { result: await handle.result, out, pid: handle.pid };
}

describe('process types', () => {
  it('shell runs `sh -c` with its own pid and resource usage', async () => {
    const { result, out, pid } = await run({ type: 'shell', command: ['sh', '-c', 'echo "hello $WHO"'], env: { WHO: 'world' } });
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, cancelled: false });
    expect(out.text()).toEqual(['hello world']);
    expect(pid).toBeGreaterThan(0);
    expect(result.resourceUsage).toEqual({ cpu_seconds: expect.any(Number), memory_mb_peak: expect.any(Number) });
  });

  it('python_script runs python3 on the script and measures its CPU', async () => {
    using dir = makeTempDir();
    const script = dir.write('job.py', `${BURN_CPU(0.3)}print("done")\n`);
    const { result, out } = await run({ type: 'python_script', command: ['python3', script], cwd: dir.path });
    expect(result.exitCode).toBe(0);
    expect(out.text()).toEqual(['done']);
    expect(result.resourceUsage?.cpu_seconds).toBeGreaterThan(0.1);
  });

  it('node_script runs node on the script', async () => {
    using dir = makeTempDir();
    const script = dir.write('job.mjs', 'console.log(process.env.TASK_NAME); process.exitCode = 4;\n');
    const { result, out } = await run({ type: 'node_script', command: ['node', script], env: { TASK_NAME: 't1' } });
    expect(result.exitCode).toBe(4);
    expect(out.text()).toEqual(['t1']);
  });

  it('spark_job without spark-submit on PATH is a start error that says what to do', async () => {
    using dir = makeTempDir();
    const { result, pid } = await run({ type: 'spark_job', command: ['spark-submit', join(dir.path, 'app.py')], env: { PATH: dir.path } });
    expect(pid).toBeUndefined();
    expect(result.startError).toBe('spark-submit is not on PATH; install Spark or run spark_job tasks with another executor');
  });

  it('spark_job runs spark-submit when it is on PATH', async () => {
    using dir = makeTempDir();
    chmodSync(dir.write('bin/spark-submit', '#!/bin/sh\necho "submitted $*"\n'), 0o755);
    const { result, out } = await run({ type: 'spark_job', command: ['spark-submit', '--conf', 'a=b', 'app.py'], env: { PATH: `${join(dir.path, 'bin')}:/usr/bin:/bin` } });
    expect(result.exitCode).toBe(0);
    expect(out.text()).toEqual(['submitted --conf a=b app.py']);
  });

  it('a process type without a command is a start error', async () => {
    const { result } = await run({ type: 'shell' });
    expect(result.startError).toBe('The `shell` task `stage.task` has no command: the engine must spell out its argv');
  });
});

describe('noop and unknown types', () => {
  it('noop succeeds at once with no process', async () => {
    const { result, pid, out } = await run({ type: 'noop' });
    expect(result).toEqual({ exitCode: 0, signal: null, timedOut: false, cancelled: false, durationMs: 0 });
    expect(pid).toBeUndefined();
    expect(out.lines).toEqual([]);
  });

  it('a type the local executor does not run is a start error', async () => {
    const { result } = await run({ type: 'docker' });
    expect(result.startError).toBe('The local executor cannot run `docker` tasks; it runs shell, python_script, node_script, spark_job, noop, http, sql_script');
  });
});

describe('http', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/slow') return; // never answers
        if (request.url === '/missing') return void response.writeHead(404).end('not here');
        if (request.url === '/big') return void response.writeHead(200).end('y'.repeat(100_000));
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(`${request.method} ${request.headers['x-token'] ?? '-'} ${Buffer.concat(chunks).toString()}\nsecond line`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends method, headers and body, and shows the status line and body', async () => {
    const { result, out } = await run({ type: 'http', http: { method: 'post', url: `${base}/echo`, headers: { 'x-token': 'tok-123456' }, body: 'payload' }, secrets: ['tok-123456'] });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false });
    expect(out.text('stdout')).toEqual([`POST ${base}/echo`, 'HTTP 200 OK', 'POST [redacted] payload', 'second line']);
  });

  it('an expected non-2xx status succeeds', async () => {
    const { result } = await run({ type: 'http', http: { url: `${base}/missing`, expectedStatus: [404, 410] } });
    expect(result.exitCode).toBe(0);
  });

  it('an unexpected status fails with exit code 1 and says why', async () => {
    const { result, out } = await run({ type: 'http', http: { url: `${base}/missing` } });
    expect(result.exitCode).toBe(1);
    expect(out.text('stdout')).toEqual([`GET ${base}/missing`, 'HTTP 404 Not Found', 'not here']);
    expect(out.text('stderr')).toEqual(['Expected status 2xx, got 404']);
  });

  it('times out through its AbortSignal', async () => {
    const { result, out } = await run({ type: 'http', http: { url: `${base}/slow` }, timeoutSeconds: 0.3 });
    expect(result).toMatchObject({ timedOut: true, cancelled: false, exitCode: null });
    expect(out.text('stderr')).toEqual(['The request timed out']);
  });

  it('is cancelled through the signal', async () => {
    const controller = new AbortController();
    const { handle, out } = start({ type: 'http', http: { url: `${base}/slow` } }, controller.signal);
    await out.waitFor(/^GET /);
    controller.abort();
    expect(await handle.result).toMatchObject({ cancelled: true, timedOut: false });
  });

  it('shows only the start of a large body', async () => {
    const small = new LocalExecutor({ maxHttpBodyBytes: 1000 });
    const out = collectLines();
    const result = await small.start(makeAttempt({ type: 'http', http: { url: `${base}/big` } }), { signal: new AbortController().signal, onLine: out.onLine }).result;
    expect(result.exitCode).toBe(0);
    expect(out.text('stdout').slice(2)).toEqual(['y'.repeat(1000), '[body truncated after 1000 bytes]']);
  });

  it('a refused connection fails (retryable), an invalid URL is a start error', async () => {
    const refused = await run({ type: 'http', http: { url: `http://127.0.0.1:${await freePort()}/` } });
    expect(refused.result.exitCode).toBe(1);
    expect(refused.out.text('stderr')[0]).toMatch(/^The request failed: fetch failed: .*ECONNREFUSED/);
    const invalid = await run({ type: 'http', http: { url: 'not a url' } });
    expect(invalid.result.startError).toBe('`not a url` is not a valid URL; give an absolute http:// or https:// URL');
  });
});

describe('sql_script', () => {
  const admin = new pg.Client({ connectionString: DATABASE });
  let schema: string;
  beforeAll(() => admin.connect());
  afterAll(() => admin.end());
  afterEach(async () => {
    if (schema) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
  const newSchema = async () => {
    schema = `ao_test_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    return schema;
  };

  it('runs the whole file in one transaction and commits', async () => {
    const s = await newSchema();
    using dir = makeTempDir();
    const file = dir.write('load.sql', `CREATE TABLE ${s}.t (id int);\nINSERT INTO ${s}.t VALUES (1), (2);\nSELECT * FROM ${s}.t;\n`);
    const { result, out } = await run({ type: 'sql_script', sqlFile: file, env: { DW_CONNECTION: DATABASE } });
    expect(out.text('stderr')).toEqual([]);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false });
    expect(out.text('stdout')).toEqual(['CREATE', 'INSERT 2', 'SELECT 2', 'COMMIT']);
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${s}.t`)).rows[0]).toEqual({ n: 2 });
  });

  it('rolls back everything when a later statement fails, and points at the error', async () => {
    const s = await newSchema();
    await admin.query(`CREATE TABLE ${s}.t (id int)`);
    using dir = makeTempDir();
    const file = dir.write('load.sql', `INSERT INTO ${s}.t VALUES (1);\nINSERT INTO ${s}.missing VALUES (2);\n`);
    const { result, out } = await run({ type: 'sql_script', sqlFile: file, env: { DATABASE_URL: DATABASE } });
    expect(result.exitCode).toBe(1);
    const column = `INSERT INTO `.length + 1;
    expect(out.text('stderr')).toEqual([
      'ROLLBACK',
      `${file}:2:${column}: ERROR 42P01: relation "${s}.missing" does not exist`,
      `  INSERT INTO ${s}.missing VALUES (2);`,
      `  ${' '.repeat(column - 1)}^`,
    ]);
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${s}.t`)).rows[0]).toEqual({ n: 0 });
  });

  it('a timeout cancels the running statement and rolls back', async () => {
    const s = await newSchema();
    await admin.query(`CREATE TABLE ${s}.t (id int)`);
    using dir = makeTempDir();
    const file = dir.write('slow.sql', `INSERT INTO ${s}.t VALUES (1);\nSELECT pg_sleep(30);\n`);
    const { result, out } = await run({ type: 'sql_script', sqlFile: file, env: { DW_CONNECTION: DATABASE }, timeoutSeconds: 0.5 });
    expect(result).toMatchObject({ timedOut: true, cancelled: false, exitCode: null });
    expect(out.text('stderr')).toEqual(['ROLLBACK', 'The SQL script timed out after 0.5 s and was rolled back']);
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${s}.t`)).rows[0]).toEqual({ n: 0 });
  });

  it('without a connection string, or with an unreadable file, it never starts', async () => {
    using dir = makeTempDir();
    const file = dir.write('x.sql', 'SELECT 1;');
    const noConnection = await run({ type: 'sql_script', sqlFile: file });
    expect(noConnection.result.startError).toMatch(/^The `sql_script` task `stage.task` has no connection string; set DW_CONNECTION \(or DATABASE_URL\)/);
    const noFile = await run({ type: 'sql_script', sqlFile: join(dir.path, 'missing.sql'), env: { DW_CONNECTION: DATABASE } });
    expect(noFile.result.startError).toBe(`Cannot read the SQL file ${join(dir.path, 'missing.sql')} (ENOENT)`);
  });

  it('a refused connection fails with exit code 1 and no password in the output', async () => {
    using dir = makeTempDir();
    const file = dir.write('x.sql', 'SELECT 1;');
    const { result, out } = await run({ type: 'sql_script', sqlFile: file, env: { DW_CONNECTION: `postgresql://postgres:pa55word@127.0.0.1:${await freePort()}/test` } });
    expect(result.exitCode).toBe(1);
    expect(out.text('stderr')[0]).toMatch(/^Could not connect to PostgreSQL: .*ECONNREFUSED/);
    expect(JSON.stringify(out.lines)).not.toContain('pa55word');
  });
});

describe('createExecutorRegistry', () => {
  const registry = createExecutorRegistry({ local: executor });
  it.each(['shell', 'python_script', 'node_script', 'spark_job', 'sql_script', 'http', 'noop'])('%s runs on the local executor', (type) => {
    expect(registry.executorFor(type)).toBe(executor);
  });

  it('a known type whose executor is not configured is a clear error', () => {
    expect(() => registry.executorFor('docker')).toThrow(new SpecError('`docker` tasks run on the docker executor, which is not configured; configure it, or run the task as another type'));
  });

  it('an unknown type is a clear error listing the known ones', () => {
    expect(() => registry.executorFor('bogus')).toThrow(/^No executor runs `bogus` tasks; the task types are shell, python_script, .*kubernetes_manifest$/);
    expect(() => registry.executorFor('toString')).toThrow(SpecError);
  });

  it('uses the executors it was given', () => {
    const docker: Executor = { name: 'docker', start: () => ({ result: Promise.resolve({ exitCode: 0, signal: null, timedOut: false, cancelled: false, durationMs: 0 }) }) };
    expect(createExecutorRegistry({ local: executor, docker }).executorFor('docker')).toBe(docker);
  });
});
