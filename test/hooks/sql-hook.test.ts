import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { freePort } from '../helpers/free-port.js';
import { makeHookHarness, plannedTask } from './hook-fixtures.js';

const DATABASE = 'postgresql://postgres@127.0.0.1:5432/test';

describe('sql hook', () => {
  const admin = new pg.Client({ connectionString: DATABASE });
  let schema = '';
  beforeAll(() => admin.connect());
  afterAll(() => admin.end());
  beforeEach(async () => {
    schema = `ao_hook_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.runs (note text)`);
  });
  afterEach(() => admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  const rows = async () => (await admin.query<{ note: string }>(`SELECT note FROM ${schema}.runs ORDER BY note`)).rows.map((row) => row.note);

  it('runs a script from the checkout with the task env connection, in one transaction', async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    dir.write('repo/sql/update_stats.sql', `INSERT INTO ${schema}.runs VALUES ('stats');\nINSERT INTO ${schema}.runs VALUES ('more');\n`);
    const task = plannedTask({ type: 'sql_script', script: './sql/load.sql' });
    const [event] = await harness.run('post_hooks', [{ type: 'sql', script: './sql/update_stats.sql' }], { task, spec: harness.specOf(task, { DW_CONNECTION: DATABASE }) });

    expect(event).toEqual({ type: 'hook.ran', task: 'extract.orders', when: 'post_hooks', hook_type: 'sql', status: 'sent', message: 'committed; output:\nINSERT 1\nINSERT 1\nCOMMIT' });
    expect(await rows()).toEqual(['more', 'stats']);
  });

  it('runs config.sql on config.connection for pipeline notifications, keeping the SQL it ran', async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    const [event] = await harness.run('notifications.on_success', [{ type: 'sql', config: { connection: DATABASE, sql: `INSERT INTO ${schema}.runs VALUES ('done')` } }]);

    expect(event).toMatchObject({ status: 'sent', message: 'committed; output:\nINSERT 1\nCOMMIT' });
    expect(await rows()).toEqual(['done']);
    expect(existsSync(join(harness.workdir, 'executions', harness.executionId, 'hooks', 'pipeline.notifications-on_success.0.sql'))).toBe(true);
  });

  it('rolls the whole hook back when a statement fails, and says where', async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    dir.write('repo/sql/bad.sql', `INSERT INTO ${schema}.runs VALUES ('kept?');\nINSERT INTO ${schema}.nope VALUES (1);\n`);
    const task = plannedTask({ type: 'noop' });
    const [event] = await harness.run('on_failure', [{ type: 'sql', script: 'sql/bad.sql' }], { task, spec: harness.specOf(task, { DATABASE_URL: DATABASE }) });

    expect(event?.status).toBe('failed');
    expect(event?.message).toContain(`failed; nothing was committed; output:\nROLLBACK\n${join(harness.workspace, 'sql/bad.sql')}:2:13: ERROR 42P01: relation "${schema}.nope" does not exist`);
    expect(await rows()).toEqual([]);
  });

  it('fails clearly without a connection string, and hides the password of one that does not connect', async () => {
    using dir = makeTempDir();
    const harness = makeHookHarness(dir.path);
    const port = await freePort();
    const events = await harness.run('notifications.on_failure', [
      { type: 'sql', config: { sql: 'SELECT 1' } },
      { type: 'sql', config: { connection: `postgresql://postgres:hunter2pass@127.0.0.1:${port}/test`, sql: 'SELECT 1' } },
    ]);

    expect(events[0]).toMatchObject({ status: 'failed', message: expect.stringMatching(/^A `sql` hook needs a connection string: set `config.connection`/) });
    expect(events[1]).toMatchObject({ status: 'failed', message: expect.stringMatching(/^failed; nothing was committed; output:\nCould not connect to PostgreSQL: .*ECONNREFUSED/) });
    expect(JSON.stringify(events)).not.toContain('hunter2pass');
  });
});
