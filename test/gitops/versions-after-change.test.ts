import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitSource } from '../../src/gitops/git-source.js';
import { selectPipelines } from '../../src/gitops/select-pipelines.js';
import { versionsAt } from '../../src/gitops/versions.js';
import { versionsAfterChange } from '../../src/gitops/versions-after-change.js';
import type { DeployedVersion } from '../../src/state/events.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline, writeLetter } from './git-fixture.js';

describe('versionsAfterChange', () => {
  it('gives, commit after commit, exactly the versions a full read of each commit gives', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const commits = [
      repo.commit({
        'pipelines/alpha.yaml': scriptPipeline('alpha'),
        'scripts/alpha.js': writeLetter('A'),
        'pipelines/beta.yaml': scriptPipeline('beta'),
        'scripts/beta.js': writeLetter('B'),
        'pipelines/gamma.yaml': scriptPipeline('gamma', { script: 'scripts/shared lib.js' }),
        'scripts/shared lib.js': writeLetter('S'),
        'pipelines/delta.yaml': scriptPipeline('delta'),
        'scripts/delta.js': writeLetter('D'),
      }),
      // Only a script: its pipeline's version moves, the others carry over.
      repo.commit({ 'scripts/alpha.js': writeLetter('a') }),
      // A script whose name has a space in it.
      repo.commit({ 'scripts/shared lib.js': writeLetter('s') }),
      // A pipeline renamed inside its file, one deleted, one moved to another file, one added.
      repo.commit({
        'pipelines/beta.yaml': scriptPipeline('beta_renamed', { script: 'scripts/beta.js' }),
        'pipelines/delta.yaml': null,
        'pipelines/alpha.yaml': null,
        'pipelines/moved/alpha.yaml': scriptPipeline('alpha'),
        'pipelines/epsilon.yaml': scriptPipeline('epsilon'),
      }),
      // Nothing a pipeline refers to.
      repo.commit({ 'README.md': 'notes\n' }),
      // The script a pipeline named before it existed appears.
      repo.commit({ 'scripts/epsilon.js': writeLetter('E') }),
    ];
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');

    const full = async (sha: string): Promise<DeployedVersion[]> => (await versionsAt(source, sha)).versions.map((version) => ({ pipeline: version.name, file: version.file, version_hash: version.hash }));
    let deployed = await full(commits[0] as string);
    for (let index = 1; index < commits.length; index++) {
      const [base, head] = [commits[index - 1] as string, commits[index] as string];
      const selection = await selectPipelines(source, { base, head });
      const carried = await versionsAfterChange(source, head, selection, deployed);
      expect(carried, `versions at commit ${index}`).toEqual(await full(head));
      deployed = carried;
    }
    expect(deployed.map((version) => version.pipeline)).toEqual(['alpha', 'beta_renamed', 'epsilon', 'gamma']);
  });

  it('reads only the changed pipeline and its files, not the rest of the repository', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const files: Record<string, string> = {};
    for (let index = 0; index < 50; index++) files[`pipelines/p${index}.yaml`] = scriptPipeline(`p${index}`);
    const base = repo.commit(files);
    const head = repo.commit({ 'scripts/p7.js': writeLetter('7') });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    const deployed = (await versionsAt(source, base)).versions.map((version) => ({ pipeline: version.name, file: version.file, version_hash: version.hash }));

    const asked: string[] = [];
    const counting = Object.create(source, {
      readFiles: { value: (sha: string, paths: readonly string[]) => (asked.push(...paths), source.readFiles(sha, paths)) },
    }) as GitSource;
    const selection = await selectPipelines(source, { base, head });
    const versions = await versionsAfterChange(counting, head, selection, deployed);
    expect(asked.sort()).toEqual(['pipelines/p7.yaml', 'scripts/p7.js']);
    const changed = versions.filter((version, index) => version.version_hash !== deployed[index]?.version_hash);
    expect(changed.map((version) => version.pipeline)).toEqual(['p7']);
  });
});
