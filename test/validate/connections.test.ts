import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConnections } from '../../src/validate/connections/check-connections.js';
import { findConnections } from '../../src/validate/connections/find-connections.js';
import { maskUrlCredentials, redactUrl } from '../../src/validate/connections/redact-url.js';
import { formatHuman } from '../../src/validate/report/human.js';
import { toValidationJson } from '../../src/validate/report/json.js';
import { toSarif } from '../../src/validate/report/sarif.js';
import { validateFiles, type ValidationReport } from '../../src/validate/validate-files.js';
import { freePort } from '../helpers/free-port.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** The real PostgreSQL of the test machine (trust auth, database `test`). */
const POSTGRES = '127.0.0.1:5432';
/** Passwords and user names written into the fixtures; none may appear in any output. */
const CREDENTIALS = ['pg-s3cret', 'redis-s3cret', 'notpg-s3cret', 'http-s3cret', 'tester', 'spy-user', 'admin-user'];

describe('redactUrl', () => {
  const cases: { name: string; input: string; redacted: string }[] = [
    { name: 'user and password', input: 'postgresql://user:pass@db.example.com:5432/analytics', redacted: 'postgresql://db.example.com:5432/analytics' },
    { name: 'password only (Redis)', input: 'redis://:hunter2@cache:6379/0', redacted: 'redis://cache:6379/0' },
    { name: 'user only', input: 'https://deploy@example.com/x', redacted: 'https://example.com/x' },
    { name: 'no credentials', input: 'http://127.0.0.1:8080/health?x=1', redacted: 'http://127.0.0.1:8080/health?x=1' },
    { name: 'an @ in the path is not userinfo', input: 'https://registry.example.com/@scope/pkg', redacted: 'https://registry.example.com/@scope/pkg' },
    { name: 'inside a longer string, twice', input: 'copy redis://a:b@r1:6379 to redis://c:d@r2:6379 now', redacted: 'copy redis://r1:6379 to redis://r2:6379 now' },
    { name: 'templates with spaces in the userinfo', input: 'postgresql://{{ env.U }}:{{ secrets.P }}@dw:5432/a', redacted: 'postgresql://dw:5432/a' },
    { name: 'an @ inside the password', input: 'postgresql://u:p@ss@db:5432/a', redacted: 'postgresql://db:5432/a' },
    { name: 'a raw / inside the password', input: 'postgresql://u:pa/ss@db:5432/a', redacted: 'postgresql://db:5432/a' },
    { name: 'quoted in a message', input: '`http://x:y@h/` is unreachable', redacted: '`http://h/` is unreachable' },
  ];
  it.each(cases)('$name', ({ input, redacted }) => {
    expect(redactUrl(input)).toBe(redacted);
  });

  it('masks credentials in place for code frames, keeping every column', () => {
    const line = '  DB: "postgresql://user:pass@db:5432/a"';
    const masked = maskUrlCredentials(line);
    expect(masked).toBe('  DB: "postgresql://*********@db:5432/a"');
    expect(masked).toHaveLength(line.length);
  });

  it('leaves templates readable when masking, since they name secrets without holding them', () => {
    expect(maskUrlCredentials('postgresql://{{ env.U }}:{{ secrets.P }}@dw:5432/a')).toBe('postgresql://{{ env.U }}*{{ secrets.P }}@dw:5432/a');
  });
});

describe('findConnections', () => {
  const pipeline = {
    variables: { HOST: 'db.internal', URL: 'postgresql://{{ HOST }}:5432/a', PLAIN: 'not a url', TIME: '10:30', IMAGE: 'python:3.11', ZERO: 'redis://127.0.0.1:0/1' },
    stages: [{ name: 's', tasks: [
      { name: 't', type: 'shell', command: 'x', env: { ONLY: '{{ URL }}', BROKERS: 'k1.internal:9092,k2.internal:9092', RUNTIME: 'https://{{ env.API_HOST }}/v1', ARG: '--db {{ URL }}' } },
      { name: 'h', type: 'http', url: 'https://api.example.com/v1/items?token=abc' },
    ] }],
  };
  const found = findConnections(pipeline);
  const summary = found.map((item) => ({ path: item.path.join('.'), needle: item.within.needle, ...('target' in item.found ? { target: item.found.target.display, via: item.found.viaVariables } : { skipped: item.found.skipped }) }));

  it('expands variables, and leaves a value that is only a variable to the variable', () => {
    expect(summary).toContainEqual({ path: 'variables.URL', needle: 'postgresql://{{ HOST }}:5432/a', target: 'postgresql://db.internal:5432/a', via: true });
    expect(summary.filter((item) => item.path.endsWith('env.ONLY'))).toEqual([]);
    expect(summary).toContainEqual({ path: 'stages.0.tasks.0.env.ARG', needle: '{{ URL }}', target: 'postgresql://db.internal:5432/a', via: true });
  });

  it('finds each host:port of a list and ignores times and image tags', () => {
    expect(summary.filter((item) => item.path.endsWith('BROKERS')).map((item) => ('target' in item ? item.target : item.skipped))).toEqual(['k1.internal:9092', 'k2.internal:9092']);
    expect(summary.some((item) => /^variables\.(TIME|IMAGE|PLAIN)$/.test(item.path))).toBe(false);
  });

  it('skips run-time templates with a reason that names them', () => {
    expect(summary).toContainEqual({ path: 'stages.0.tasks.0.env.RUNTIME', needle: 'https://{{ env.API_HOST }}/v1', skipped: '`https://{{ env.API_HOST }}/v1` needs `{{ env.API_HOST }}`, known only at run time, so it was not checked' });
  });

  it('notes a port nothing can listen on instead of probing it', () => {
    expect(summary).toContainEqual({ path: 'variables.ZERO', needle: 'redis://127.0.0.1:0/1', skipped: '`redis://127.0.0.1:0/1` has port 0, which nothing listens on, so it was not checked' });
  });

  it('shows an http task url without its query', () => {
    expect(summary).toContainEqual({ path: 'stages.0.tasks.1.url', needle: 'https://api.example.com/v1/items?token=abc', target: 'https://api.example.com/v1/items', via: false });
  });
});

describe('--check-connections against real servers', () => {
  const open: { close(): Promise<void> }[] = [];
  let redis: RedisServer;
  let acceptingPort: number;
  let notPostgresPort: number;
  let httpPort: number;
  let closedPort: number;
  const httpRequests: string[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    // Accepts and says nothing: fine for a bare host:port, silent for a Redis PING.
    acceptingPort = await listen(createTcpServer(() => {}));
    // A TCP service that is not PostgreSQL: answers anything with an HTTP error and hangs up.
    notPostgresPort = await listen(createTcpServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))));
    httpPort = await listen(createHttpServer((request, response) => {
      httpRequests.push(`${request.method} ${request.url}`);
      response.writeHead(500).end();
    }));
    closedPort = await freePort();
  });

  afterAll(async () => {
    await Promise.all(open.map((server) => server.close()));
    await redis?.stop();
  });

  function listen(server: Server | HttpServer): Promise<number> {
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    open.push({
      close: () => new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
    });
    server.listen(0, '127.0.0.1');
    return once(server, 'listening').then(() => (server.address() as { port: number }).port);
  }

  function pipelineText(): string {
    return [
      'version: "2.1"',
      'name: connections',
      'variables:',
      `  PG_URL: "postgresql://tester:pg-s3cret@${POSTGRES}/test"`,
      `  REDIS_URL: "redis://:redis-s3cret@127.0.0.1:${redis.port}/0"`,
      `  NOT_PG: "postgresql://spy-user:notpg-s3cret@127.0.0.1:${notPostgresPort}/db"`,
      `  CLOSED: "http://admin-user:http-s3cret@127.0.0.1:${closedPort}/health"`,
      `  API: "http://127.0.0.1:${httpPort}/status"`,
      `  BROKER: "127.0.0.1:${acceptingPort}"`,
      `  DOWN: "localhost:${closedPort}"`,
      `  RUNTIME: "postgresql://{{ env.DW_USER }}:{{ secrets.DW_PASSWORD }}@${POSTGRES}/test"`,
      '  NO_DNS: "https://no-such-host.invalid/x"',
      `  SILENT: "redis://127.0.0.1:${acceptingPort}/0"`,
      'stages:',
      '  - name: load',
      '    tasks:',
      '      - name: export',
      '        type: shell',
      '        command: echo',
      '        env:',
      '          DB: "{{ NOT_PG }}"',
      '          ARGS: "--target {{ CLOSED }} --retries 3"',
      '      - name: ping',
      '        type: http',
      `        url: "http://127.0.0.1:${httpPort}/ping"`,
      '',
    ].join('\n');
  }

  async function validate(text: string, options: Parameters<typeof checkConnections>[1]): Promise<ValidationReport> {
    using dir = makeTempDir();
    const file = dir.write('pipelines/connections.yaml', text);
    return await validateFiles({ paths: [file], strict: false, root: dir.path, extraChecks: [(files) => checkConnections(files, options)] });
  }

  const lineOf = (text: string, snippet: string) => text.split('\n').findIndex((line) => line.includes(snippet)) + 1;

  it('reports each unreachable target at its value, names what failed, and skips run-time values', async () => {
    const text = pipelineText();
    const report = await validate(text, { timeoutMs: 3000 });
    const findings = report.findings.map(({ rule, line, column, message }) => ({ rule, line, column, message }));
    const at = (snippet: string, needle: string) => ({ line: lineOf(text, snippet), column: (text.split('\n')[lineOf(text, snippet) - 1] as string).indexOf(needle) + 1 });

    expect(findings).toEqual([
      { rule: 'connections/unreachable', ...at('NOT_PG:', 'postgresql://'), message: `\`postgresql://127.0.0.1:${notPostgresPort}/db\` is unreachable (PostgreSQL): 127.0.0.1:${notPostgresPort} is not a PostgreSQL server: it answered the SSLRequest with "HTTP/1.1 400 Bad Request…"` },
      { rule: 'connections/unreachable', ...at('CLOSED:', 'http://'), message: `\`http://127.0.0.1:${closedPort}/health\` is unreachable (HTTP): connection to 127.0.0.1:${closedPort} refused; nothing is listening there` },
      { rule: 'connections/unreachable', ...at('DOWN:', 'localhost'), message: `\`localhost:${closedPort}\` is unreachable (TCP): connection to localhost:${closedPort} refused; nothing is listening there` },
      { rule: 'connections/skipped', ...at('RUNTIME:', 'postgresql://'), message: `\`postgresql://${POSTGRES}/test\` needs \`{{ env.DW_USER }}\`, \`{{ secrets.DW_PASSWORD }}\`, known only at run time, so it was not checked` },
      { rule: 'connections/unreachable', ...at('NO_DNS:', 'https://'), message: expect.stringMatching(/^`https:\/\/no-such-host\.invalid\/x` is unreachable \(HTTP\): DNS lookup of `no-such-host\.invalid` failed \(E[A-Z_]+\); check the host name$/) },
      { rule: 'connections/unreachable', ...at('SILENT:', 'redis://'), message: `\`redis://127.0.0.1:${acceptingPort}/0\` is unreachable (Redis): 127.0.0.1:${acceptingPort} is not a Redis server: it accepted the connection but did not answer PING within 3s` },
      { rule: 'connections/unreachable', ...at('ARGS:', '{{ CLOSED }}'), message: `\`http://127.0.0.1:${closedPort}/health\` (after expanding variables) is unreachable (HTTP): connection to 127.0.0.1:${closedPort} refused; nothing is listening there` },
    ]);
    expect(report.counts).toEqual({ files: 1, errors: 6, warnings: 0, notes: 1 });
    // The variable and the http task share one server: it is asked once (HEAD of the first URL seen).
    expect(httpRequests).toEqual(['HEAD /status']);

    const outputs = [
      formatHuman(report, { color: false }),
      JSON.stringify(toValidationJson(report)),
      JSON.stringify(toSarif(report, '0.0.0')),
    ];
    for (const output of outputs) for (const secret of CREDENTIALS) expect(output).not.toContain(secret);
  });

  it('stops at the total time bound and says which targets were not checked', async () => {
    const text = ['version: "2.1"', 'name: bounded', 'variables:', `  SILENT: "redis://127.0.0.1:${acceptingPort}/0"`, 'stages:', '  - name: s', '    tasks:', '      - name: t', '        type: noop', ''].join('\n');
    const report = await validate(text, { timeoutMs: 20_000, totalTimeoutMs: 200 });
    expect(report.findings.map(({ rule, line, message }) => ({ rule, line, message }))).toEqual([
      { rule: 'connections/skipped', line: 4, message: `\`redis://127.0.0.1:${acceptingPort}/0\` was not checked: connection checks stopped after 200ms in total` },
    ]);
    expect(report.valid).toBe(true);
  });

  it('finds nothing to say when every target answers', async () => {
    const text = [
      'version: "2.1"', 'name: healthy', 'variables:',
      `  PG: "postgres://tester:pg-s3cret@${POSTGRES}/test"`,
      `  CACHE: "${redis.url}/1"`,
      `  HOSTPORT: "127.0.0.1:${acceptingPort}"`,
      'stages:', '  - name: s', '    tasks:', '      - name: t', '        type: noop', '',
    ].join('\n');
    const report = await validate(text, { timeoutMs: 2000 });
    expect(report.findings).toEqual([]);
  });
});

describe('orchestrate validate pipeline --check-connections', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  // The CLI runs synchronously, so the targets live outside this process: PostgreSQL, redis-server, a closed port.
  it('exits 1 with the finding in every format, never printing a credential', async () => {
    const closedPort = await freePort();
    using dir = makeTempDir();
    const text = [
      'version: "2.1"', 'name: cli-connections', 'variables:',
      `  DW: "postgresql://tester:pg-s3cret@${POSTGRES}/test"`,
      `  CACHE: "redis://:redis-s3cret@127.0.0.1:${redis.port}/0"`,
      `  GONE: "postgresql://spy-user:notpg-s3cret@127.0.0.1:${closedPort}/db"`,
      'stages:', '  - name: s', '    tasks:', '      - name: t', '        type: noop', '',
    ].join('\n');
    const file = dir.write('pipelines/p.yaml', text);
    const base = ['validate', 'pipeline', '--pipeline', file, '--repo', dir.path, '--check-connections', '--connection-timeout', '2s'];

    const json = runCli([...base, '--output', 'json']);
    expect(json.status).toBe(1);
    const parsed = JSON.parse(json.stdout) as { findings: { rule: string; line: number; column: number; message: string }[] };
    expect(parsed.findings.map(({ rule, line, column, message }) => ({ rule, line, column, message }))).toEqual([
      { rule: 'connections/unreachable', line: 6, column: 10, message: `\`postgresql://127.0.0.1:${closedPort}/db\` is unreachable (PostgreSQL): connection to 127.0.0.1:${closedPort} refused; nothing is listening there` },
    ]);

    const human = runCli(base);
    expect(human.status).toBe(1);
    expect(human.stdout).toContain(`pipelines/p.yaml:6:10  error  connections/unreachable  \`postgresql://127.0.0.1:${closedPort}/db\` is unreachable`);
    const sarif = runCli([...base, '--output', 'sarif']);
    expect(sarif.status).toBe(1);
    for (const result of [json, human, sarif]) {
      for (const secret of CREDENTIALS) expect(result.stdout + result.stderr).not.toContain(secret);
    }
  });

  it('exits 2 on a connection timeout that is not a duration', () => {
    const result = runCli(['validate', 'pipeline', '--pipeline', 'x.yaml', '--check-connections', '--connection-timeout', 'soon']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("option '--connection-timeout <duration>' argument 'soon' is invalid. Invalid duration `soon`");
  });
});
