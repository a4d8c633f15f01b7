import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitSource } from '../../src/gitops/git-source.js';
import { readPipelineIndex, type PipelineIndex } from '../../src/gitops/pipeline-index.js';
import { selectPipelines, type Selection } from '../../src/gitops/select-pipelines.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline, writeLetter } from './git-fixture.js';

const picked = (selection: Selection) => [...selection.validated, ...selection.removed].map((change) => [change.file, change.change, change.reason]);

/** A source that counts its `git grep`s. */
function countingGreps(source: GitSource): { source: GitSource; greps: () => number } {
  let greps = 0;
  const counting = Object.create(source, {
    grepFiles: { value: (sha: string, dir: string, needles: readonly string[]) => (greps++, source.grepFiles(sha, dir, needles)) },
  }) as GitSource;
  return { source: counting, greps: () => greps };
}

describe('selection from the base commit’s pipeline index', () => {
  it('selects, commit after commit, exactly what searching the tree selects, and keeps the index a full read would give', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const steps: { change: Record<string, string | null>; selects: string[] }[] = [
      // A script two pipelines run.
      { change: { 'scripts/shared.js': writeLetter('s') }, selects: ['pipelines/report.yaml', 'pipelines/transform.yaml'] },
      // A pipeline renamed inside its file: what depended on the old name is reached.
      { change: { 'pipelines/transform.yaml': scriptPipeline('transform_v2', { script: 'scripts/shared.js', top: 'depends_on: [ingest]\n' }) }, selects: ['pipelines/report.yaml', 'pipelines/transform.yaml'] },
      // A depends_on added, then dropped again while the upstream moves to another file.
      { change: { 'pipelines/report.yaml': scriptPipeline('report', { script: 'scripts/shared.js', top: 'depends_on: [transform_v2]\n' }) }, selects: ['pipelines/report.yaml'] },
      { change: { 'pipelines/report.yaml': scriptPipeline('report', { script: 'scripts/shared.js' }), 'pipelines/ingest.yaml': null, 'pipelines/sources/ingest.yaml': scriptPipeline('ingest', { top: 'provides: [raw_sales]\n' }) }, selects: ['pipelines/cleaner.yaml', 'pipelines/ingest.yaml', 'pipelines/reader.yaml', 'pipelines/report.yaml', 'pipelines/sources/ingest.yaml', 'pipelines/summary.yaml', 'pipelines/transform.yaml'] },
      // Down a dataset chain: ingest → raw_sales → cleaner → clean_sales → summary.
      { change: { 'scripts/ingest.js': writeLetter('i') }, selects: ['pipelines/cleaner.yaml', 'pipelines/reader.yaml', 'pipelines/sources/ingest.yaml', 'pipelines/summary.yaml', 'pipelines/transform.yaml'] },
      // A pipeline that no longer parses still reaches what needed its datasets.
      { change: { 'pipelines/cleaner.yaml': 'name: cleaner\nrequires: [raw_sales\n' }, selects: ['pipelines/cleaner.yaml', 'pipelines/summary.yaml'] },
      { change: { 'pipelines/cleaner.yaml': scriptPipeline('cleaner', { top: 'requires: [raw_sales]\nprovides: [clean_sales]\n' }) }, selects: ['pipelines/cleaner.yaml', 'pipelines/summary.yaml'] },
      // A dataset called like a pipeline: `archive` needs the `daily` dataset `mirror` provides, not the pipeline `daily`.
      {
        change: { 'pipelines/daily.yaml': scriptPipeline('daily', { top: 'description: now described\n' }) },
        selects: ['pipelines/archive.yaml', 'pipelines/daily.yaml', 'pipelines/mirror.yaml'],
      },
      // Nothing a pipeline refers to, then a pipeline removed.
      { change: { 'README.md': 'notes\n' }, selects: [] },
      { change: { 'pipelines/reader.yaml': null }, selects: ['pipelines/reader.yaml'] },
    ];
    const first = repo.commit({
      'pipelines/ingest.yaml': scriptPipeline('ingest', { top: 'provides: [raw_sales]\n' }),
      'pipelines/transform.yaml': scriptPipeline('transform', { script: 'scripts/shared.js', top: 'depends_on: [ingest]\n' }),
      'pipelines/report.yaml': scriptPipeline('report', { script: 'scripts/shared.js', top: 'depends_on: [transform]\n' }),
      'pipelines/reader.yaml': scriptPipeline('reader', { top: 'requires: [raw_sales]\n' }),
      'pipelines/cleaner.yaml': scriptPipeline('cleaner', { top: 'requires: [raw_sales]\nprovides: [clean_sales]\n' }),
      'pipelines/summary.yaml': scriptPipeline('summary', { top: 'requires: [clean_sales]\n' }),
      'pipelines/daily.yaml': scriptPipeline('daily'),
      'pipelines/mirror.yaml': scriptPipeline('mirror', { top: 'depends_on: [daily]\nprovides: [daily]\n' }),
      'pipelines/archive.yaml': scriptPipeline('archive', { top: 'requires: [daily]\n' }),
      'scripts/shared.js': writeLetter('S'),
      'scripts/ingest.js': writeLetter('I'),
    });
    const commits = [first, ...steps.map((step) => repo.commit(step.change))];
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    const { source: counting, greps } = countingGreps(source);

    let index = (await selectPipelines(source, { head: first })).index as PipelineIndex;
    expect(index).toEqual(await readPipelineIndex(source, first, 'pipelines'));
    for (const [step, { selects }] of steps.entries()) {
      const [base, head] = [commits[step] as string, commits[step + 1] as string];
      const searched = await selectPipelines(source, { base, head });
      const looked = await selectPipelines(counting, { base, head, baseIndex: index });
      expect(picked(looked), `selection at commit ${step + 1}`).toEqual(picked(searched));
      expect(picked(looked).map(([file]) => file).sort(), `selection at commit ${step + 1}`).toEqual(selects);
      expect(looked.index, `index at commit ${step + 1}`).toEqual(await readPipelineIndex(source, head, 'pipelines'));
      index = looked.index as PipelineIndex;
    }
    expect(greps()).toBe(0);
  });

  it('searches the tree when the index it is given is of another commit, and gives no index then', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const base = repo.commit({ 'pipelines/a.yaml': scriptPipeline('a'), 'pipelines/b.yaml': scriptPipeline('b', { top: 'depends_on: [a]\n' }) });
    const head = repo.commit({ 'pipelines/a.yaml': scriptPipeline('a', { top: 'description: moved\n' }) });
    const other = repo.commit({ 'pipelines/b.yaml': scriptPipeline('b') });
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    const { source: counting, greps } = countingGreps(source);

    // The index of `other` says nothing depends on `a`; at `base` and at `head`, `b` does.
    const selection = await selectPipelines(counting, { base, head, baseIndex: await readPipelineIndex(source, other, 'pipelines') });
    expect(picked(selection)).toEqual([
      ['pipelines/a.yaml', 'changed', undefined],
      ['pipelines/b.yaml', 'dependent', 'depends on `a`'],
    ]);
    expect(greps()).toBeGreaterThan(0);
    expect(selection.index).toBeUndefined();
  });
});
