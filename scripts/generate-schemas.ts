/**
 * Generates the committed artifacts derived from code: `schemas/pipeline.schema.json`
 * from the zod schema and `docs/rules.md` from the rule catalog. With `--check` it
 * writes nothing and fails when a committed file differs, so CI catches drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/cli/package-info.js';
import { pipelineJsonSchema } from '../src/spec/json-schema.js';
import { rulesMarkdown } from '../src/validate/rules-doc.js';

const root = packageRoot();
const outputs: [path: string, content: string][] = [
  [join(root, 'schemas', 'pipeline.schema.json'), `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`],
  [join(root, 'docs', 'rules.md'), rulesMarkdown()],
];

const check = process.argv.includes('--check');
let drifted = 0;
for (const [path, content] of outputs) {
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  if (check) {
    drifted++;
    console.error(`${path} is out of date; run \`npm run schemas\` and commit the result`);
  } else {
    writeFileSync(path, content);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = drifted > 0 ? 1 : 0;
