import { chmodSync, chownSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { printedId, startCli } from './cli-process.js';
import { readLedger } from './rollback-fixture.js';

const PIPELINE = `version: "2.1"
name: tamper
stages:
  - name: main
    tasks:
      - name: try_writes
        type: node_script
        script: scripts/tamper.js
`;

/** Tries three writes into its own workspace and records how each ended; exits 0 only if all were refused. */
const TAMPER = `const fs = require('node:fs'); const path = require('node:path');
const attempts = {
  script: () => fs.appendFileSync(path.join(process.cwd(), 'scripts', 'tamper.js'), '// changed\\n'),
  pipeline: () => fs.writeFileSync(path.join(process.cwd(), 'pipelines', 'tamper.yaml'), 'name: other\\n'),
  new_file: () => fs.writeFileSync(path.join(process.cwd(), 'new-file.txt'), 'x'),
};
const results = {};
for (const [name, write] of Object.entries(attempts)) { try { write(); results[name] = 'written'; } catch (error) { results[name] = error.code; } }
fs.writeFileSync(path.join(process.env.OUTPUT_DIR, 'results.json'), JSON.stringify(results));
process.exit(Object.values(results).includes('written') ? 1 : 0);
`;

/** Root ignores permission bits, so as root the whole CLI runs as an unprivileged user, as a deployment would. */
const AS_USER = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

describe('the execution workspace', () => {
  it('is read-only for its tasks: the script, the pipeline and new files are all refused, and the commit\'s files stay as committed', async () => {
    using temp = makeTempDir();
    chmodSync(temp.path, 0o755);
    const repo = makeGitRepo(join(temp.path, 'origin'));
    repo.commit({ 'pipelines/tamper.yaml': PIPELINE, 'scripts/tamper.js': TAMPER });
    const workdir = join(temp.path, 'work');
    if (AS_USER.uid !== undefined) chownTree(temp.path, AS_USER.uid, AS_USER.gid);
    try {
      const cli = startCli(['run', '--repo', repo.path, '--sha', 'main', '--pipeline', 'tamper'], { ORCHESTRATION_WORKDIR: workdir, HOME: temp.path }, AS_USER);
      const result = await cli.exited;
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const id = printedId(cli) as string;
      const execution = join(workdir, 'executions', id);
      expect(JSON.parse(readFileSync(join(execution, 'output', 'results.json'), 'utf8'))).toEqual({ script: 'EACCES', pipeline: 'EACCES', new_file: 'EACCES' });
      expect(readFileSync(join(execution, 'workspace', 'scripts', 'tamper.js'), 'utf8')).toBe(TAMPER);
      expect(readdirSync(join(execution, 'workspace')).sort()).toEqual(['pipelines', 'scripts']);
      expect(readLedger(workdir, id).at(-1)).toMatchObject({ type: 'execution.finished', status: 'succeeded' });
    } finally {
      await makeWritable(workdir);
    }
  });
});
