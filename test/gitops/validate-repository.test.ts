import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { validateRepository } from '../../src/gitops/validate-repository.js';
import { makeGitRepo } from '../../bench/support/git-repo.js';
import { scriptPipeline, writeLetter } from './git-fixture.js';

/** ingest ← transform ← report by name; reader needs ingest's dataset; unrelated stands alone. */
function linkedRepository(path: string) {
  const repo = makeGitRepo(path);
  const base = repo.commit({
    'pipelines/ingest.yaml': scriptPipeline('ingest', { top: 'provides: [raw_sales]\n' }),
    'pipelines/transform.yaml': scriptPipeline('transform', { top: 'depends_on: [ingest]\n' }),
    'pipelines/report.yaml': scriptPipeline('report', { top: 'depends_on: [transform]\n' }),
    'pipelines/reader.yaml': scriptPipeline('reader', { top: 'requires: [raw_sales]\n' }),
    'pipelines/unrelated.yaml': scriptPipeline('unrelated'),
    ...Object.fromEntries(['ingest', 'transform', 'report', 'reader', 'unrelated'].map((name) => [`scripts/${name}.js`, writeLetter(name)])),
  });
  return { repo, base };
}

const selected = (result: Awaited<ReturnType<typeof validateRepository>>) => result.changed.map((change) => [change.file, change.change, change.reason]);

describe('validateRepository', () => {
  it('validates a pipeline whose script changed and everything downstream of it, nothing else', async () => {
    using temp = makeTempDir();
    const { repo, base } = linkedRepository(join(temp.path, 'origin'));
    const head = repo.commit({ 'scripts/ingest.js': writeLetter('changed') });
    const result = await validateRepository({ repo: repo.path, base, head, workdir: join(temp.path, 'work') });
    expect(selected(result)).toEqual([
      ['pipelines/ingest.yaml', 'changed', 'references `scripts/ingest.js`'],
      ['pipelines/reader.yaml', 'dependent', 'requires `raw_sales` from `ingest`'],
      ['pipelines/report.yaml', 'dependent', 'depends on `transform`'],
      ['pipelines/transform.yaml', 'dependent', 'depends on `ingest`'],
    ]);
    expect(result.report.valid).toBe(true);
    expect(result.report.counts.files).toBe(4);
    expect(result.headSha).toBe(head);
  });

  it('validates only the changed file when nothing depends on it, and every pipeline without a base', async () => {
    using temp = makeTempDir();
    const { repo, base } = linkedRepository(join(temp.path, 'origin'));
    const head = repo.commit({ 'pipelines/unrelated.yaml': scriptPipeline('unrelated', { top: 'description: now described\n' }) });
    const workdir = join(temp.path, 'work');
    expect(selected(await validateRepository({ repo: repo.path, base, head, workdir }))).toEqual([['pipelines/unrelated.yaml', 'changed', undefined]]);
    const all = await validateRepository({ repo: repo.path, head: 'main', workdir });
    expect(all.changed.map((change) => change.change)).toEqual(['all', 'all', 'all', 'all', 'all']);
    expect(all.report.counts.files).toBe(5);
  });

  it('reaches the pipelines that depended on a removed or renamed pipeline', async () => {
    using temp = makeTempDir();
    const { repo, base } = linkedRepository(join(temp.path, 'origin'));
    const workdir = join(temp.path, 'work');
    const removed = repo.commit({ 'pipelines/transform.yaml': null });
    expect(selected(await validateRepository({ repo: repo.path, base, head: removed, workdir }))).toEqual([
      ['pipelines/report.yaml', 'dependent', 'depends on `transform`'],
      ['pipelines/transform.yaml', 'removed', undefined],
    ]);
    const renamed = repo.commit({ 'pipelines/transform.yaml': scriptPipeline('transform_v2', { top: 'depends_on: [ingest]\n' }) });
    expect(selected(await validateRepository({ repo: repo.path, base, head: renamed, workdir }))).toEqual([
      ['pipelines/report.yaml', 'dependent', 'depends on `transform`'],
      ['pipelines/transform.yaml', 'changed', undefined],
    ]);
  });

  it('reports findings at repository paths, in the report and in SARIF', async () => {
    using temp = makeTempDir();
    const { repo, base } = linkedRepository(join(temp.path, 'origin'));
    const head = repo.commit({ 'scripts/transform.js': null });
    const result = await validateRepository({ repo: repo.path, base, head, workdir: join(temp.path, 'work') });
    expect(result.report.valid).toBe(false);
    expect(result.report.findings.map((finding) => [finding.file, finding.rule, finding.line])).toEqual([['pipelines/transform.yaml', 'structure/missing-file', 9]]);
    expect(result.report.findings[0]?.message).toBe('`scripts/transform.js` does not exist (looked for scripts/transform.js under the repository root)');
    const run = (result.sarif as { runs: { originalUriBaseIds: Record<string, { uri: string }>; results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[] }[] }[] }).runs[0];
    expect(run?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation)).toEqual([{ uri: 'pipelines/transform.yaml', uriBaseId: '%SRCROOT%' }]);
    expect(run?.originalUriBaseIds['%SRCROOT%']?.uri).toBe(`file://${repo.path}/`);
  });
});

describe('validateRepository options', () => {
  it('applies --strict to the selected pipelines: an unknown key becomes an error', async () => {
    using temp = makeTempDir();
    const { repo, base } = linkedRepository(join(temp.path, 'origin'));
    const head = repo.commit({ 'pipelines/unrelated.yaml': scriptPipeline('unrelated', { top: 'colour: red\n' }) });
    const workdir = join(temp.path, 'work');
    const lenient = await validateRepository({ repo: repo.path, base, head, workdir });
    expect(lenient.report.findings.map((finding) => [finding.rule, finding.severity])).toEqual([['structure/unknown-key', 'warning']]);
    expect(lenient.report.valid).toBe(true);
    const strict = await validateRepository({ repo: repo.path, base, head, workdir, strict: true });
    expect(strict.report.findings.filter((finding) => finding.rule === 'structure/unknown-key').map((finding) => finding.severity)).toEqual(['error']);
    expect(strict.report.valid).toBe(false);
  });
});

describe('validateRepository summary', () => {
  it('says so when a change touches no pipeline', async () => {
    using temp = makeTempDir();
    const { repo, base } = linkedRepository(join(temp.path, 'origin'));
    const head = repo.commit({ 'README.md': '# pipelines\n' });
    const result = await validateRepository({ repo: repo.path, base, head, workdir: join(temp.path, 'work') });
    expect(result.changed).toEqual([]);
    expect(result.report.valid).toBe(true);
    expect(result.markdown).toContain('No pipeline is affected by this change.');
  });

  it('shows the semantic diff of a changed pipeline and flags a schedule moved across the March DST week in New York', async () => {
    using temp = makeTempDir();
    const repo = makeGitRepo(join(temp.path, 'origin'));
    const scheduled = (cron: string, tasks: string) => `version: "2.1"
name: nightly
schedule: { cron: "${cron}", timezone: America/New_York }
config: { parallel: true }
stages:
  - name: main
    tasks:
${tasks}`;
    const base = repo.commit({
      'pipelines/nightly.yaml': scheduled('0 2 * * *', '      - { name: pull, type: shell, command: echo pull }\n      - { name: push, type: shell, command: echo push, dependencies: [pull] }\n'),
    });
    const head = repo.commit({
      'pipelines/nightly.yaml': scheduled('30 2 * * *', '      - { name: pull, type: shell, command: echo pull --all }\n      - { name: audit, type: shell, command: echo audit, dependencies: [pull] }\n'),
    });
    const result = await validateRepository({ repo: repo.path, base, head, workdir: join(temp.path, 'work'), now: new Date('2026-03-05T12:00:00Z') });
    const markdown = result.markdown;
    expect(markdown.startsWith('<!-- orchestrate:validate -->\n### ✅ Pipeline validation: 0 errors, 0 warnings in 1 pipeline\n')).toBe(true);
    expect(markdown).toContain('<summary><code>nightly</code> changed: 1 task added, 1 task removed, 1 task changed, 2 edges changed, schedule changed ⚠️ DST</summary>');
    for (const line of [
      '- ➕ task `main.audit` (`shell`)',
      '- ➖ task `main.push` (`shell`)',
      '- ✏️ task `main.pull`: command `echo pull` → `echo pull --all`',
      '- ➕ edge `main.pull → main.audit`',
      '- ➖ edge `main.pull → main.push`',
      '**Schedule** `0 2 * * *` (America/New_York) → `30 2 * * *` (America/New_York)',
      '| 3 | 2026-03-08 03:00 EDT | 2026-03-08 03:00 EDT |',
      '| 4 | 2026-03-09 02:00 EDT | 2026-03-09 02:30 EDT |',
      '> [!WARNING]',
    ]) expect(markdown).toContain(line);
  });
});
