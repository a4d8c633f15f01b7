import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { isolatedEnv, startCli } from './execute-support.js';

const PIPELINE = `version: "2.1"
name: gated
stages:
  - name: work
    tasks:
      - name: wait_for_gate
        type: shell
        command: |
          echo "before the gate"
          while [ ! -f "$GATE" ]; do sleep 0.05; done
          echo "after the gate"
          sleep 0.5
          echo "last words, just before the exit"
        env:
          GATE: "{{ env.GATE }}"
        retry: false
        timeout: 2m
`;

describe('orchestrate logs --follow on a real run', () => {
  it('prints the lines of a running task as they come and ends when the execution finishes', async () => {
    using dir = makeTempDir('orchestrate-follow-');
    dir.write('gated.yaml', PIPELINE);
    const gate = join(dir.path, 'gate');
    const env = isolatedEnv(dir.path, { GATE: gate });
    const run = startCli(['pipeline', 'execute', '--repo', '.', '--workdir', 'work', '--pipeline', 'gated.yaml'], { cwd: dir.path, env });
    let follow: ReturnType<typeof startCli> | undefined;
    try {
      const id = /Starting execution (\S+)/.exec(await run.waitForLine(/^Starting execution /))?.[1] as string;
      await run.waitForLine(/before the gate/);
      follow = startCli(['logs', '--execution-id', id, '--workdir', 'work', '--follow'], { cwd: dir.path, env });
      // Shown while the task is still blocked: the follow is live, not a read after the end.
      await follow.waitForLine(/before the gate/);
      expect(existsSync(gate)).toBe(false);
      writeFileSync(gate, '');
      expect(await follow.exit).toEqual({ code: 0, signal: null });
      // Even the line written just before the task exits: it is stored before the finish is recorded.
      expect(follow.stdout()).toBe('[work.wait_for_gate] before the gate\n[work.wait_for_gate] after the gate\n[work.wait_for_gate] last words, just before the exit\n');
      expect((await run.exit).code).toBe(0);
    } finally {
      writeFileSync(gate, '');
      run.child.kill('SIGKILL');
      follow?.child.kill('SIGKILL');
    }
  });
});
