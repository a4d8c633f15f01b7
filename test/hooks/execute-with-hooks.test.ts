import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { SECRET, startReceiver } from './hook-fixtures.js';


const PIPELINE = `version: "2.1"
name: hooked
stages:
  - name: s
    tasks:
      - name: load
        type: shell
        retry: false
        command: 'echo "rows" > "$OUTPUT_DIR/rows_{{ ds }}.csv"; echo "using {{ secrets.API_TOKEN }}"; exit 2'
        output_artifacts:
          - path: rows_{{ ds }}.csv
        on_failure:
          - type: quarantine
            config:
              destination: s3://quarantine/{{ ds }}/
          - type: shell
            command: echo "cleanup for {{ secrets.API_TOKEN }}"
          - type: notify
            config:
              webhook: "{{ env.ALERT_URL }}"
notifications:
  on_failure:
    - type: pagerduty
      config:
        service_key: x
`;

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .map((name) => join(directory, name))
    .filter((path) => statSync(path).isFile());
}

describe('pipeline execute with hooks', () => {
  it('runs on_failure hooks in order, notifies the receiver, and keeps the secret out of everything it wrote', async () => {
    using dir = makeTempDir();
    await using receiver = await startReceiver();
    dir.write('repo/pipelines/hooked.yaml', PIPELINE);
    dir.write('secrets.env', `API_TOKEN=${SECRET}\n`);
    const workdir = join(dir.path, 'work');
    const run = await promisify(execFile)(
      process.execPath,
      [CLI, 'pipeline', 'execute', '--pipeline', 'repo/pipelines/hooked.yaml', '--repo', 'repo', '--secrets-file', 'secrets.env', '--ds', '2024-01-15', '--env', `ALERT_URL=${receiver.url}`],
      { cwd: dir.path, env: { ...process.env, NO_COLOR: '1', ORCHESTRATION_WORKDIR: workdir } },
    ).catch((error: { code: number; stdout: string; stderr: string }) => error);

    expect('code' in run ? run.code : 0).toBe(1);
    const [ledger] = readdirSync(join(workdir, 'state', 'executions'));
    const executionId = (ledger ?? '').replace('.ndjson', '');
    const events = readFileSync(join(workdir, 'state', 'executions', ledger ?? ''), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event.type === 'hook.ran');
    expect(events.map(({ task, when, hook_type, status }) => ({ task, when, hook_type, status }))).toEqual([
      { task: 's.load', when: 'on_failure', hook_type: 'quarantine', status: 'sent' },
      { task: 's.load', when: 'on_failure', hook_type: 'shell', status: 'sent' },
      { task: 's.load', when: 'on_failure', hook_type: 'notify', status: 'sent' },
      { task: undefined, when: 'notifications.on_failure', hook_type: 'pagerduty', status: 'unsupported' },
    ]);
    expect(events[1]?.message).toBe('exit code 0; output:\ncleanup for [redacted]');

    expect(receiver.requests).toHaveLength(1);
    expect(JSON.parse(receiver.requests[0]?.body ?? '')).toMatchObject({ pipeline: 'hooked', execution_id: executionId, ds: '2024-01-15', status: 'failed', task: 's.load', when: 'on_failure', hook: 'notify' });
    expect(readFileSync(join(workdir, 'executions', executionId, 'quarantine', 's.load', 'rows_2024-01-15.csv'), 'utf8')).toBe('rows\n');

    const leaks = filesUnder(workdir).filter((path) => readFileSync(path, 'latin1').includes(SECRET));
    expect(leaks).toEqual([]);
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
    expect(receiver.requests[0]?.body).not.toContain(SECRET);
  });
});
