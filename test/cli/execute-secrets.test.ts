import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { execute, executionIdOf, filesUnder, readText, stateOf } from './execute-support.js';

/** Known values, each reaching the run by another road. */
const SECRETS = {
  fromEnvPrefix: 'tok-7c1e-aa90-secret',
  fromFile: 'pg-pass-55d1e0',
  quotedInFile: 'file-secret-x81',
  orchestratorPassword: 'hunter2-dw-password',
  cliPassword: 'cli-admin-pass-77',
  literalToken: 'literal-service-token-9f3a',
};

const PIPELINE = `version: "2.1"
name: secrets_everywhere
variables:
  CONN: "postgresql://loader:{{ secrets.DB_PASS }}@db.internal/warehouse"
stages:
  - name: leak
    tasks:
      - name: echo_all
        type: shell
        command: |
          echo "token=$API_TOKEN conn=$CONN pw=$DW_PASSWORD admin=$ADMIN literal=$SERVICE_TOKEN"
          echo "stderr $API_TOKEN" >&2
        env:
          API_TOKEN: "{{ secrets.API_TOKEN }}"
          CONN: "{{ CONN }}"
          DW_PASSWORD: "{{ env.DW_PASSWORD }}"
          ADMIN: "{{ env.ADMIN_PASSWORD }}"
          SERVICE_TOKEN: "${SECRETS.literalToken}"
        retry: false
        timeout: 1m
      - name: fail_loudly
        type: shell
        command: echo "about to fail with $FILE_SECRET"; exit 1
        env:
          FILE_SECRET: "{{ secrets.FILE_SECRET }}"
        retry: false
        timeout: 1m
        on_failure:
          - type: log
            config: { level: error, message: "fail_loudly failed holding {{ secrets.FILE_SECRET }}" }
`;

describe('pipeline execute keeps secrets out of everything it writes', () => {
  it.each(['text', 'json'] as const)('redacts secrets in the console, task logs, ledger and every file under the work directory (%s)', async (format) => {
    using dir = makeTempDir('orchestrate-secrets-');
    dir.write('secrets.yaml', PIPELINE);
    dir.write('secrets.env', `# secrets for the run\nDB_PASS=${SECRETS.fromFile}\nFILE_SECRET="${SECRETS.quotedInFile}"\n`);
    const result = execute(dir.path, ['--pipeline', 'secrets.yaml', '--secrets-file', 'secrets.env', '--env', `ADMIN_PASSWORD=${SECRETS.cliPassword}`, '--log-format', format], {
      ORCHESTRATE_SECRET_API_TOKEN: SECRETS.fromEnvPrefix,
      DW_PASSWORD: SECRETS.orchestratorPassword,
    });
    // The run happened: the task printed its (masked) line and the other failed as written.
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('token=[redacted] conn=postgresql://loader:[redacted]@db.internal/warehouse pw=[redacted] admin=[redacted] literal=[redacted]');
    const workdir = join(dir.path, 'work');
    const state = await stateOf(workdir, executionIdOf(format === 'json' ? JSON.parse(result.stdout.split('\n')[0] as string).msg : result.stdout));
    expect(state.variables).toEqual({ CONN: '[redacted]' });
    expect(state.hooks).toContainEqual(expect.objectContaining({ status: 'sent' }));

    const files = filesUnder(workdir);
    // The ledger, the log store, the artifact index and the execution's own directory at least.
    expect(files.some((file) => file.includes(join('state', 'executions')))).toBe(true);
    const logFiles = files.filter((file) => file.startsWith(join(workdir, 'logs')));
    // The grep below reads real content: the task's masked line is in the log store.
    expect(logFiles.map(readText).join('')).toContain('conn=postgresql://loader:[redacted]@db.internal/warehouse');
    const places = [{ name: 'stdout', text: result.stdout }, { name: 'stderr', text: result.stderr }, ...files.map((file) => ({ name: file, text: readText(file) }))];
    for (const { name, text } of places) {
      for (const [kind, value] of Object.entries(SECRETS)) expect(text.includes(value), `${kind} in ${name}`).toBe(false);
    }
  });

  it('a secret with no value fails its task, saying how to provide it', () => {
    using dir = makeTempDir('orchestrate-secrets-');
    dir.write('missing.yaml', `version: "2.1"
name: missing_secret
stages:
  - name: main
    tasks:
      - { name: connect, type: shell, command: 'echo "$PW"', retry: false, env: { PW: "{{ secrets.WAREHOUSE_PASSWORD }}" } }
`);
    const result = execute(dir.path, ['--pipeline', 'missing.yaml']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('main.connect failed on attempt 1: `{{ secrets.WAREHOUSE_PASSWORD }}` has no value; set ORCHESTRATE_SECRET_WAREHOUSE_PASSWORD in the environment, or pass --secrets-file FILE with `WAREHOUSE_PASSWORD: value` in it');
  });
});
