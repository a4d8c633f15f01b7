import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pipelineJsonSchema } from '../../src/spec/json-schema.js';
import { validatePipelineFile } from '../../src/validate/validate-pipeline.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * The committed JSON Schema is what editors check pipelines with, so it must accept every
 * example, reject what the validator rejects, and never drift from the zod schema.
 */

const SCHEMA_FILE = join(PROJECT_ROOT, 'schemas', 'pipeline.schema.json');
const EXAMPLE_DIR = join(PROJECT_ROOT, 'pipelines-example', 'pipelines');
const committedText = readFileSync(SCHEMA_FILE, 'utf8');

// Strict mode fails on unknown keywords, so a schema ajv compiles uses only draft 2020-12 vocabulary;
// union types (`"type": ["string", "number"]`) are valid JSON Schema that strict mode merely frowns on.
const validate = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(JSON.parse(committedText) as object);

const VALID = `
version: "2.1"
name: minimal
stages:
  - name: only
    tasks:
      - name: hello
        type: shell
        command: echo hello
        timeout: 10m
        retry: true
        resources: { cpu: 500m, memory: 4Gi }
`;

/**
 * Each case edits the valid document above in one place; the schema must object at `at`
 * (a JSON pointer into the document) with `keyword`, not just somewhere.
 */
type Mapping = Record<string, unknown>;
type Edit = (document: Mapping, task: Mapping & { resources: Mapping }) => void;

const KNOWN_BAD: { name: string; edit: Edit; at: string; keyword: string }[] = [
  { name: 'unknown task type', edit: (_, task) => void (task.type = 'shel'), at: '/stages/0/tasks/0/type', keyword: 'const' },
  { name: 'shell task without `command`', edit: (_, task) => void delete task.command, at: '/stages/0/tasks/0', keyword: 'required' },
  { name: 'unknown top-level key', edit: (document) => void (document.stagez = []), at: '', keyword: 'additionalProperties' },
  { name: 'duration `10 minutes`', edit: (_, task) => void (task.timeout = '10 minutes'), at: '/stages/0/tasks/0/timeout', keyword: 'pattern' },
  { name: 'memory `4 GB`', edit: (_, task) => void (task.resources.memory = '4 GB'), at: '/stages/0/tasks/0/resources/memory', keyword: 'pattern' },
  { name: '`retry: maybe`', edit: (_, task) => void (task.retry = 'maybe'), at: '/stages/0/tasks/0/retry', keyword: 'type' },
  { name: 'no `stages`', edit: (document) => void delete document.stages, at: '', keyword: 'required' },
  { name: 'version `2.0`', edit: (document) => void (document.version = '2.0'), at: '/version', keyword: 'const' },
];

function badDocument(edit: Edit): Mapping {
  const document = parse(VALID) as Mapping & { stages: { tasks: (Mapping & { resources: Mapping })[] }[] };
  edit(document, document.stages[0]?.tasks[0] as Mapping & { resources: Mapping });
  return document;
}

describe('schemas/pipeline.schema.json', () => {
  const examples = readdirSync(EXAMPLE_DIR).filter((name) => /\.ya?ml$/.test(name)).sort();

  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)('accepts pipelines-example/pipelines/%s', (name) => {
    const valid = validate(parse(readFileSync(join(EXAMPLE_DIR, name), 'utf8')));
    expect(validate.errors ?? [], name).toEqual([]);
    expect(valid).toBe(true);
  });

  it('accepts the minimal document the bad cases start from', () => {
    expect(validate(parse(VALID))).toBe(true);
  });

  it.each(KNOWN_BAD)('rejects a document with $name', ({ edit, at, keyword }) => {
    expect(validate(badDocument(edit))).toBe(false);
    expect((validate.errors ?? []).map((error) => `${error.instancePath} ${error.keyword}`)).toContain(`${at} ${keyword}`);
  });

  it.each(KNOWN_BAD)('agrees with the validator (--strict) that $name is an error', ({ edit }) => {
    using repo = makeTempDir();
    const file = repo.write('pipeline.yaml', JSON.stringify(badDocument(edit)));
    const findings = validatePipelineFile(file, { strict: true, root: repo.path }).findings;
    expect(findings.filter((finding) => finding.severity === 'error')).not.toEqual([]);
  });

  it('equals a fresh pipelineJsonSchema() byte for byte (no drift)', () => {
    expect(JSON.parse(committedText)).toEqual(pipelineJsonSchema());
    expect(committedText).toBe(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
  });

  it('passes `generate-schemas --check` (build first: npm run build)', () => {
    const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'scripts', 'generate-schemas.js'), '--check'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
