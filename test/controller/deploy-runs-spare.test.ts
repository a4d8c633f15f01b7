import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { letterPipeline, makeController, writeLetter } from './controller-fixture.js';

describe('deploy runs from the spare tree', () => {
  it('runs each deployment from a tree equal to its commit, and leaves a complete spare of the newest for the next controller', async () => {
    await using fixture = await makeController();
    const { repo, controller, workdir } = fixture;
    repo.commit({ 'pipelines/daily.yaml': letterPipeline('daily', { onMerge: true }), 'scripts/daily.js': writeLetter('A'), 'scripts/other.js': writeLetter('O') });
    const heads = [repo.git('rev-parse', 'HEAD')];
    await controller.reconcile('reconcile');
    await fixture.runs.idle();
    heads.push(repo.commit({ 'scripts/daily.js': writeLetter('B'), 'docs/new/readme.md': 'new' }));
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'deployed', head: heads[1] });
    await fixture.runs.idle();
    heads.push(repo.commit({ 'scripts/daily.js': writeLetter('C'), 'docs/new/readme.md': null }));
    expect(await controller.reconcile('reconcile')).toMatchObject({ outcome: 'deployed', head: heads[2] });
    await fixture.runs.idle();

    const state = await fixture.ledger.state();
    for (const [index, letter] of ['A', 'B', 'C'].entries()) {
      const deployment = state.deployments.find((candidate) => candidate.sha === heads[index]);
      const id = deployment?.executions[0]?.split(':')[0] ?? '';
      const execution = join(workdir, 'executions', id);
      expect(readFileSync(join(execution, 'output', 'out.txt'), 'utf8')).toBe(letter);
      expect(readFileSync(join(execution, 'workspace', 'scripts', 'daily.js'), 'utf8')).toBe(writeLetter(letter));
      expect(existsSync(join(execution, 'workspace', 'docs'))).toBe(letter === 'B');
    }
    expect(fixture.lines.filter((line) => line.includes('spare'))).toEqual([]);

    await fixture.runs.shutdown(0);
    const kept = readdirSync(join(workdir, 'spare-trees')).map((name) => name.replace(/-[0-9a-f-]{36}/, ''));
    expect(kept.sort()).toEqual([heads[2], `${heads[2]}.index`, `${heads[2]}.ready`]);
  });
});
