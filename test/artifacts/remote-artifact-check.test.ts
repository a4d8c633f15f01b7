import { describe, expect, it } from 'vitest';
import { validatePipelineFile } from '../../src/validate/validate-pipeline.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const PIPELINE = [
  'version: "2.1"',
  'name: demo',
  'stages:',
  '  - name: s',
  '    tasks:',
  '      - name: a',
  '        type: noop',
  '        output_artifacts:',
  '          - { path: "a_{{ ds }}.csv", upload_to: "s3://bucket/a/" }',
  '          - { path: "b.csv", upload_to: "file:///tmp/exports/" }',
  '          - { path: "c.csv", upload_to: exports/ }',
  '        input_artifacts:',
  '          - gs://bucket/x.json',
  '          - { path: "https://example.com/y.json", execution: abc }',
  '          - local.csv',
  '          - { path: "z.csv", execution: abc }',
];

describe('structure/remote-artifact-store', () => {
  it('warns at each remote upload_to and remote input, and at nothing local', () => {
    using repo = makeTempDir();
    const file = repo.write('pipelines/p.yaml', `${PIPELINE.join('\n')}\n`);
    const findings = validatePipelineFile(file, { strict: false, root: repo.path }).findings;
    expect(findings.map(({ rule, severity, line, column, endColumn, message }) => ({ rule, severity, line, column, endColumn, message }))).toEqual([
      {
        rule: 'structure/remote-artifact-store',
        severity: 'warning',
        line: 9,
        column: 50,
        endColumn: 66,
        message: '`upload_to: s3://bucket/a/` of `s.a` names a remote store (s3://), which this version cannot upload to: the artifact is kept in the local store only, and the run records it as not uploaded',
      },
      { rule: 'structure/remote-artifact-store', severity: 'warning', line: 13, column: 13, endColumn: 31, message: 'Input `gs://bucket/x.json` of `s.a` is in a remote store (gs://), which this version cannot read: the task fails before it starts' },
      { rule: 'structure/remote-artifact-store', severity: 'warning', line: 14, column: 21, endColumn: 49, message: 'Input `https://example.com/y.json` of `s.a` is in a remote store (https://), which this version cannot read: the task fails before it starts' },
    ]);
  });
});
