import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HeldIndexes } from '../../src/gitops/controller/held-indexes.js';
import { GitSource } from '../../src/gitops/git-source.js';
import { readPipelineIndex } from '../../src/gitops/pipeline-index.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline } from '../gitops/git-fixture.js';

describe('HeldIndexes', () => {
  it('reads a missing index in the background, and keeps the two used last', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const [v1, v2, v3] = ['a', 'b', 'c'].map((name) => repo.commit({ [`pipelines/${name}.yaml`]: scriptPipeline(name, { top: 'depends_on: [a]\n' }) })) as [string, string, string];
    const source = new GitSource({ repo: repo.path, workdir: join(temp.path, 'work') });
    await source.fetch('main');
    const lines: string[] = [];
    const indexes = new HeldIndexes({ source, pipelinesDir: 'pipelines', logger: pino({}, { write: (line: string) => void lines.push(line) }) });

    indexes.ensure(v1);
    expect(indexes.get(v1)).toBeUndefined();
    await indexes.idle();
    expect(indexes.get(v1)).toEqual(await readPipelineIndex(source, v1, 'pipelines'));

    indexes.ensure(v2);
    await indexes.idle();
    // v1 was used after v2 was held, so v2 is the one a third index pushes out.
    indexes.get(v1);
    indexes.hold(await readPipelineIndex(source, v3, 'pipelines'));
    expect([v1, v2, v3].map((sha) => indexes.get(sha)?.files.size)).toEqual([1, undefined, 3]);

    indexes.ensure('0'.repeat(40));
    await indexes.idle();
    expect(lines.join('')).toContain('could not index the pipelines at 000000000000');
  });
});
