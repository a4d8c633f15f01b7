import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCommit } from '../../src/gitops/controller/evaluate-commit.js';
import { GitSource } from '../../src/gitops/git-source.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { letterPipeline, writeLetter } from './controller-fixture.js';

describe('evaluateCommit', () => {
  it('validates everything on a first deploy and lists the pipelines that run on deploy', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const sha = repo.commit({
      'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true }),
      'scripts/daily.js': writeLetter('A'),
      'pipelines/weekly.yaml': letterPipeline('weekly'),
      'scripts/weekly.js': writeLetter('W'),
    });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    const evaluation = await evaluateCommit(source, { base: null, head: sha });
    expect(evaluation).toMatchObject({ findings: [], errors: 0, runOnDeploy: ['daily'] });
    expect(evaluation.versions.map((version) => [version.pipeline, version.file])).toEqual([['daily', 'pipelines/daily.yaml'], ['weekly', 'pipelines/weekly.yaml']]);
  });

  it('after a base, a change to one script selects its pipeline to run and leaves the other pipeline version as it was', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const base = repo.commit({
      'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true }),
      'scripts/daily.js': writeLetter('A'),
      'pipelines/nightly.yaml': letterPipeline('nightly', { onMerge: true }),
      'scripts/nightly.js': writeLetter('N'),
    });
    const head = repo.commit({ 'scripts/daily.js': writeLetter('B') });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    const before = await evaluateCommit(source, { base: null, head: base });
    const candidates: string[] = [];
    const after = await evaluateCommit(source, { base, head, baseVersions: before.versions, onRunCandidate: (candidate) => candidates.push(`${candidate.file}: ${candidate.pipeline.name}`) });
    expect(after.runOnDeploy).toEqual(['daily']);
    // Told before validation, so its tree can be checked out meanwhile; the unchanged pipeline is not.
    expect(candidates).toEqual(['pipelines/daily.yaml: daily']);
    const hashes = (evaluation: typeof after) => Object.fromEntries(evaluation.versions.map((version) => [version.pipeline, version.version_hash]));
    expect(hashes(after).nightly).toBe(hashes(before).nightly);
    expect(hashes(after).daily).not.toBe(hashes(before).daily);
  });

  it('with the base’s index, reads only the changed pipeline and its script, and greps nothing', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const files: Record<string, string> = {};
    for (const name of ['daily', 'weekly', 'monthly']) Object.assign(files, { [`pipelines/${name}.yaml`]: letterPipeline(name), [`scripts/${name}.js`]: writeLetter(name) });
    const base = repo.commit(files);
    const head = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true }) });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    const before = await evaluateCommit(source, { base: null, head: base });

    const asked: string[] = [];
    const counting = Object.create(source, {
      readFiles: { value: (sha: string, paths: readonly string[]) => (asked.push(`${sha === head ? 'head' : 'base'}: ${paths.join(' ')}`), source.readFiles(sha, paths)) },
      grepFiles: { value: () => Promise.reject(new Error('no grep with an index')) },
    }) as GitSource;
    const after = await evaluateCommit(counting, { base, head, baseVersions: before.versions, baseIndex: before.index });
    expect(after).toMatchObject({ errors: 0, runOnDeploy: ['daily'], index: { sha: head } });
    expect(asked.slice(0, 2).sort()).toEqual(['base: pipelines/daily.yaml', 'head: pipelines/daily.yaml']);
    expect(asked.slice(2)).toEqual(expect.arrayContaining(['head: pipelines/daily.yaml scripts/daily.js']));
    expect(asked.filter((read) => /weekly|monthly/.test(read))).toEqual([]);
  });

  it('reports a broken pipeline at its repository path and position, never the scratch directory it was validated in', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const base = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily'), 'scripts/daily.js': writeLetter('A') });
    const head = repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily').replace('type: node_script', 'type: cobol_job') });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    const evaluation = await evaluateCommit(source, { base, head });
    expect(evaluation.errors).toBeGreaterThan(0);
    expect(evaluation.findings[0]).toMatchObject({ file: 'pipelines/daily.yaml', line: 7, severity: 'error' });
    expect(JSON.stringify(evaluation.findings)).not.toMatch(/orchestrate-(deploy|validate)-|\/tmp\//);
    expect(evaluation.runOnDeploy).toEqual([]);
  });

  it('still reads the scripts of a pipeline that fails the schema, so the only finding is the real one', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const head = repo.commit({
      'pipelines/daily.yaml': letterPipeline('daily', { extra: '        retires: 3\n' }),
      'scripts/daily.js': writeLetter('A'),
    });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    const evaluation = await evaluateCommit(source, { base: null, head });
    expect(evaluation.findings.map((finding) => [finding.rule, finding.file, finding.line])).toEqual([['structure/unknown-key', 'pipelines/daily.yaml', 9]]);
  });
});
