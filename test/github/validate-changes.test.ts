import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../src/github/path-glob.js';
import { validateChangedPipelines } from '../../src/github/validate-changes.js';
import { makeTempRepo } from './support/git-repo.js';
import { BAD_PIPELINE, goodPipeline } from './support/pipelines.js';

const options = { pipelines: 'pipelines/**/*.y?(a)ml', strict: false, checkConnections: false, checkResources: false, version: '0.0.0-test' };

describe('the pipelines glob', () => {
  it.each([
    ['pipelines/a.yaml', true],
    ['pipelines/a.yml', true],
    ['pipelines/deep/er/a.yml', true],
    ['pipelines/a.yaaml', false],
    ['pipelines/a.json', false],
    ['other/pipelines/a.yaml', false],
  ])('%s → %s', (path, matches) => {
    expect(globToRegExp('pipelines/**/*.y?(a)ml').test(path)).toBe(matches);
  });
});

describe('validating a commit range', () => {
  it('validates only the pipelines the range changes, with findings on their lines', async () => {
    using repo = makeTempRepo();
    const base = repo.commit({ 'pipelines/good.yaml': goodPipeline('good'), 'pipelines/old-bad.yaml': BAD_PIPELINE.replace('broken', 'old') });
    const head = repo.commit({ 'pipelines/bad.yaml': BAD_PIPELINE, 'README.md': '# notes\n', 'pipelines/old-bad.yaml': null });
    const result = await validateChangedPipelines({ workspace: repo.path, base, head, ...options });
    expect(result.changed).toEqual(['pipelines/bad.yaml']);
    expect(result.report.findings.map((finding) => [finding.file, finding.line, finding.severity])).toEqual([
      ['pipelines/bad.yaml', 7, 'error'],
      ['pipelines/bad.yaml', 11, 'error'],
    ]);
    expect(result.markdown).toContain('`pipelines/bad.yaml:7:');
  });

  it('validates every pipeline when the base is missing from the clone, and says so', async () => {
    using repo = makeTempRepo();
    const head = repo.commit({ 'pipelines/good.yaml': goodPipeline('good'), 'pipelines/nested/other.yml': goodPipeline('other') });
    const result = await validateChangedPipelines({ workspace: repo.path, base: 'f'.repeat(40), head, ...options });
    expect(result.changed).toEqual(['pipelines/good.yaml', 'pipelines/nested/other.yml']);
    expect(result.report.valid).toBe(true);
    expect(result.markdown).toContain('is not in this clone, so every pipeline was validated');
  });
});
