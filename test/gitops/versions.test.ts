import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { GitSource } from '../../src/gitops/git-source.js';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { versionsAt } from '../../src/gitops/versions.js';
import { pipelineHash } from '../../src/spec/pipeline-hash.js';
import { pipeline } from '../../src/spec/schema/pipeline.js';
import { parse } from 'yaml';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline, writeLetter } from './git-fixture.js';

describe('versionsAt', () => {
  it('gives a new version when only a referenced script changed, and the same hash a checkout records', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const v1 = repo.commit({ 'pipelines/letters.yaml': scriptPipeline('letters', { script: './scripts/letters.js' }), 'scripts/letters.js': writeLetter('A'), 'pipelines/other.yml': scriptPipeline('other') });
    const v2 = repo.commit({ 'scripts/letters.js': writeLetter('B') });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch();

    const before = await versionsAt(source, v1);
    const after = await versionsAt(source, v2);
    expect(before.versions.map((version) => version.id)).toEqual([`letters@${v1}`, `other@${v1}`]);
    const [lettersBefore, otherBefore] = before.versions;
    const [lettersAfter, otherAfter] = after.versions;
    expect(lettersAfter?.hash).not.toBe(lettersBefore?.hash);
    // `other` references a script that does not exist: still a version, and unchanged between the commits.
    expect(otherAfter?.hash).toBe(otherBefore?.hash);

    const workspace = join(temp.path, 'workspace');
    await source.checkout(v1, workspace);
    try {
      const spec = pipeline.parse(parse(scriptPipeline('letters', { script: './scripts/letters.js' })));
      expect(pipelineHash(join(workspace, 'pipelines/letters.yaml'), spec, workspace)).toBe(lettersBefore?.hash);
    } finally {
      await makeWritable(workspace);
    }
  });

  it('lists files that do not match the schema instead of versioning them', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const sha = repo.commit({ 'pipelines/broken.yaml': 'version: "2.1"\nname: broken\n', 'flows/good.yaml': scriptPipeline('good') });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch();
    expect(await versionsAt(source, sha)).toEqual({ versions: [], unversioned: [{ file: 'pipelines/broken.yaml', reason: expect.stringContaining('does not match the pipeline schema') }] });
    expect((await versionsAt(source, sha, { pipelinesDir: './flows/' })).versions.map((version) => version.file)).toEqual(['flows/good.yaml']);
  });
});
