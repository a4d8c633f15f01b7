import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { copyExample, execute, executionIdOf, isolatedEnv, startCli, stateOf, taskStatuses } from './execute-support.js';

/** Every example pipeline runs for real; the ones that need a service get a local one. */
describe('the example pipelines run', () => {
  it('shell_example: fan-out, noop join, all_done cleanup', async () => {
    using dir = makeTempDir('orchestrate-example-');
    copyExample(dir.path);
    const result = execute(dir.path, ['--pipeline', 'pipelines/shell_example.yaml', '--ds', '2024-01-15']);
    expect(result.status, result.stderr).toBe(0);
    const id = executionIdOf(result.stdout);
    expect(readFileSync(join(dir.path, 'work', 'executions', id, 'output', 'summary_2024-01-15.txt'), 'utf8')).toMatch(/^orders 31\ncustomers 12\n/);
    expect(Object.values(taskStatuses(await stateOf(join(dir.path, 'work'), id)))).toEqual(Array(7).fill('succeeded'));
  });

  it('node_script_example: validation rules pass on the CSV, the shell task prints it', () => {
    using dir = makeTempDir('orchestrate-example-');
    copyExample(dir.path);
    const result = execute(dir.path, ['--pipeline', 'pipelines/node_script_example.yaml']);
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/^report\.print_summary \| status,order_count,revenue,ds\nreport\.print_summary \| cancelled,1,150\.00,/m);
  });

  it('sql_script_example: both scripts commit against PostgreSQL, twice in a row (idempotent)', () => {
    using dir = makeTempDir('orchestrate-example-');
    copyExample(dir.path);
    const env = { DW_CONNECTION: 'postgresql://postgres@127.0.0.1:5432/test' };
    for (let run = 0; run < 2; run++) {
      const result = execute(dir.path, ['--pipeline', 'pipelines/sql_script_example.yaml'], env);
      expect(result.status, result.stdout).toBe(0);
      expect(result.stdout).toMatch(/^refresh\.refresh_target_summary \| COMMIT$/m);
    }
  });

  it('http_example: the health check gets 200 from a local server', async () => {
    using dir = makeTempDir('orchestrate-example-');
    copyExample(dir.path);
    const server = createServer((request, response) => {
      response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      // Started asynchronously: this process must stay free to answer the request.
      const cli = startCli(['pipeline', 'execute', '--repo', '.', '--workdir', 'work', '--pipeline', 'pipelines/http_example.yaml'], {
        cwd: dir.path,
        env: isolatedEnv(dir.path, { HEALTH_URL: `http://127.0.0.1:${port}/health` }),
      });
      expect((await cli.exit).code, cli.stdout()).toBe(0);
      expect(cli.stdout()).toMatch(/^check\.health_check \| HTTP 200 OK$/m);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
