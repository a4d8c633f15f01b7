import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { copyExample, execute, isolatedEnv } from './execute-support.js';

const ESC = '\u001b';

describe('pipeline execute on the console', () => {
  it('redraws a progress line in place on a terminal, then prints the summary', () => {
    using dir = makeTempDir('orchestrate-console-');
    copyExample(dir.path);
    // `script` gives the CLI a real pseudo-terminal, as a person at a shell would.
    const command = `${process.execPath} ${CLI} pipeline execute --repo . --workdir work --pipeline pipelines/shell_example.yaml`;
    const env: NodeJS.ProcessEnv = { ...process.env, ...isolatedEnv(dir.path) };
    delete env.NO_COLOR;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir.path, env, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stdout).toBe(0);
    const screen = result.stdout.replaceAll('\r\n', '\n');
    expect(screen).toMatch(/^Starting execution [0-9a-f-]{36}\n/);
    // The progress line is erased and redrawn with the counts and the time so far.
    expect(screen).toContain(`\r${ESC}[2K`);
    expect(screen).toMatch(/\d running · [0-7]\/7 done · 0 failed · \S+ elapsed/);
    // Coloured on a terminal, and the summary ends the output with no progress line after it.
    expect(screen).toContain(`${ESC}[32m[DONE]`);
    expect(screen).toMatch(/Logs: +orchestrate logs --execution-id \S+\n$/);
  });

  it('prints one plain line per transition off a terminal, and colour only when asked', () => {
    using dir = makeTempDir('orchestrate-console-');
    copyExample(dir.path);
    const plain = execute(dir.path, ['--pipeline', 'pipelines/shell_example.yaml']);
    expect(plain.status).toBe(0);
    expect(plain.stdout).not.toContain(ESC);
    expect(plain.stdout.match(/^\[RUN\] /gm)).toHaveLength(7);
    expect(plain.stdout.match(/^\[DONE\] /gm)).toHaveLength(7);
    const colored = execute(dir.path, ['--pipeline', 'pipelines/shell_example.yaml', '--log-format', 'colored']);
    expect(colored.status).toBe(0);
    expect(colored.stdout).toContain(`${ESC}[36m[RUN]`);
    expect(colored.stdout).not.toContain(`${ESC}[2K`);
  });
});
