import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkTreeStatus } from '../../src/gitops/work-tree-status.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';

describe('readWorkTreeStatus', () => {
  it('is undefined outside a Git work tree', async () => {
    using dir = makeTempDir();
    expect(await readWorkTreeStatus(dir.path, ['pipeline.yaml'])).toBeUndefined();
  });

  it('counts ignored, renamed and outside files as dirty, only among the paths asked about, from a subdirectory too', async () => {
    using dir = makeTempDir();
    const repo = makeGitRepo(dir.path);
    const sha = repo.commit({ '.gitignore': 'local/\n', 'etl/pipeline.yaml': 'name: etl\n', 'etl/old.sql': 'select 1;\n', 'other.txt': 'x\n' });
    expect(await readWorkTreeStatus(join(dir.path, 'etl'), ['pipeline.yaml', 'old.sql'])).toEqual({ top: dir.path, sha, dirty: [] });

    dir.write('etl/local/secret-sauce.py', 'print(1)\n');
    renameSync(join(dir.path, 'etl', 'old.sql'), join(dir.path, 'etl', 'new.sql'));
    repo.git('add', '--all', 'etl');
    writeFileSync(join(dir.path, 'other.txt'), 'changed\n');
    const status = await readWorkTreeStatus(join(dir.path, 'etl'), ['pipeline.yaml', 'new.sql', 'local/secret-sauce.py', '../../elsewhere.sh']);
    // A file outside the work tree is not pinned by the commit either.
    expect(status).toEqual({ top: dir.path, sha, dirty: ['etl/local/secret-sauce.py', 'etl/new.sql', join(dir.path, '..', 'elsewhere.sh')] });
  });

  it('has no SHA before the first commit, and every file is untracked', async () => {
    using dir = makeTempDir();
    makeGitRepo(dir.path);
    dir.write('pipeline.yaml', 'name: etl\n');
    expect(await readWorkTreeStatus(dir.path, ['pipeline.yaml'])).toEqual({ top: dir.path, dirty: ['pipeline.yaml'] });
  });
});
