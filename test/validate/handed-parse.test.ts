import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePipelineText } from '../../src/spec/load-source.js';
import { validatePipelineFile } from '../../src/validate/validate-pipeline.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const PIPELINE = `version: "2.1"
name: handed
stages:
  - name: main
    tasks:
      - { name: work, type: shell, command: "true", retries: lots }
`;

describe('validatePipelineFile with a parse handed to it', () => {
  it('validates the parse it was given, at the positions of its text, without reading the file', () => {
    using temp = makeTempDir();
    const file = join(temp.path, 'pipelines', 'handed.yaml');
    const result = validatePipelineFile(file, { strict: false, root: temp.path, parsed: parsePipelineText('pipelines/handed.yaml', Buffer.from(PIPELINE)) });
    expect(result.uri).toBe('pipelines/handed.yaml');
    expect(result.findings.map((finding) => [finding.rule, finding.line])).toEqual([['structure/unknown-key', 6]]);
  });

  it('does not trust a parse of more than the file limit: the file is read and reported as too large', () => {
    using temp = makeTempDir();
    const file = join(temp.path, 'big.yaml');
    writeFileSync(file, PIPELINE);
    const limits = { maxFileBytes: 64, maxAliasCount: 1000, maxDepth: 64 };
    const result = validatePipelineFile(file, { strict: false, root: temp.path, limits, parsed: parsePipelineText('big.yaml', Buffer.from(PIPELINE)) });
    expect(result.findings.map((finding) => finding.rule)).toEqual(['structure/file-too-large']);
  });
});
