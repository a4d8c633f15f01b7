import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline, writeLetter } from '../gitops/git-fixture.js';
import { execute, executionIdOf, stateOf } from './execute-support.js';

const PIPELINE = 'pipelines/letters.yaml';
const SCRIPT = 'scripts/letters.js';

function committedRepo(path: string) {
  const repo = makeGitRepo(path);
  const sha = repo.commit({ [PIPELINE]: scriptPipeline('letters'), [SCRIPT]: writeLetter('A'), '.gitignore': 'work/\n' });
  return { repo, sha };
}

describe('pipeline execute in a Git work tree', () => {
  it('records HEAD as the commit when the pipeline and its files are committed, whatever else is dirty', async () => {
    using dir = makeTempDir('orchestrate-execute-git-');
    const { sha } = committedRepo(dir.path);
    writeFileSync(join(dir.path, 'NOTES.md'), 'not part of the pipeline\n');
    const result = execute(dir.path, ['--pipeline', PIPELINE]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const state = await stateOf(join(dir.path, 'work'), executionIdOf(result.stdout));
    expect(state.commit_sha).toBe(sha);
    expect(state.dirty).toBeUndefined();
  });

  it('refuses a modified script, a staged pipeline or an untracked one, naming each file and the fix', () => {
    using dir = makeTempDir('orchestrate-execute-git-');
    const { repo } = committedRepo(dir.path);
    writeFileSync(join(dir.path, SCRIPT), writeLetter('B'));
    const modified = execute(dir.path, ['--pipeline', PIPELINE]);
    expect(modified.status).toBe(1);
    expect(modified.stderr).toContain(`letters has uncommitted changes in the Git work tree ${dir.path}`);
    expect(modified.stderr).toMatch(/^ {2}scripts\/letters\.js$/m);
    expect(modified.stderr).toContain('Commit them, or pass --allow-dirty');
    expect(modified.stdout).not.toContain('Starting execution');
    expect(existsSync(join(dir.path, 'work', 'state'))).toBe(false);

    repo.git('checkout', '--', SCRIPT);
    writeFileSync(join(dir.path, PIPELINE), scriptPipeline('letters', { top: 'description: staged\n' }));
    repo.git('add', PIPELINE);
    const staged = execute(dir.path, ['--pipeline', PIPELINE]);
    expect(staged.status).toBe(1);
    expect(staged.stderr).toMatch(/^ {2}pipelines\/letters\.yaml$/m);

    writeFileSync(join(dir.path, 'pipelines', 'fresh.yaml'), scriptPipeline('fresh', { script: SCRIPT }));
    const untracked = execute(dir.path, ['--pipeline', 'pipelines/fresh.yaml']);
    expect(untracked.status).toBe(1);
    expect(untracked.stderr).toMatch(/^ {2}pipelines\/fresh\.yaml$/m);
    expect(untracked.stderr).not.toMatch(/^ {2}scripts\/letters\.js$/m);
  });

  it('with --allow-dirty runs the changed files and marks the execution dirty at HEAD', async () => {
    using dir = makeTempDir('orchestrate-execute-git-');
    const { sha } = committedRepo(dir.path);
    writeFileSync(join(dir.path, SCRIPT), writeLetter('B'));
    const result = execute(dir.path, ['--pipeline', PIPELINE, '--allow-dirty']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const id = executionIdOf(result.stdout);
    const state = await stateOf(join(dir.path, 'work'), id);
    expect(state).toMatchObject({ commit_sha: sha, dirty: true, status: 'succeeded' });
  });

  it('outside Git records no commit and checks nothing', async () => {
    using dir = makeTempDir('orchestrate-execute-git-');
    dir.write(PIPELINE, scriptPipeline('letters'));
    dir.write(SCRIPT, writeLetter('A'));
    const result = execute(dir.path, ['--pipeline', PIPELINE]);
    expect(result.status).toBe(0);
    const state = await stateOf(join(dir.path, 'work'), executionIdOf(result.stdout));
    expect(state.commit_sha).toBeNull();
    expect(state.dirty).toBeUndefined();
  });
});
