import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pipelinesDirectory, readActionInputs } from '../../src/github/action-context.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

interface ActionMetadata {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
}

const action = parse(readFileSync(join(PROJECT_ROOT, 'action', 'action.yml'), 'utf8')) as ActionMetadata;
const workflow = parse(readFileSync(join(PROJECT_ROOT, 'pipelines-example', '.github', 'workflows', 'validate.yml'), 'utf8')) as {
  permissions: Record<string, string>;
  jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, unknown> }[] }>;
};

describe('action.yml', () => {
  it('declares the inputs the entry reads, with the same defaults', () => {
    const env = Object.fromEntries(Object.entries(action.inputs).filter(([name]) => name !== 'github-token').map(([name, input]) => [`INPUT_${name.toUpperCase()}`, input.default]));
    expect(readActionInputs({})).toEqual({ ...readActionInputs(env), token: '' });
    expect(Object.keys(action.inputs).sort()).toEqual(['check-connections', 'check-resources', 'comment', 'github-token', 'pipelines', 'sarif-file', 'strict']);
    expect(action.inputs['github-token']?.default).toBe('${{ github.token }}');
    expect(Object.keys(action.outputs).sort()).toEqual(['errors', 'sarif-file', 'warnings']);
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.mjs' });
  });

  it('reads the pipelines directory from the glob, and refuses a glob without one', () => {
    expect(pipelinesDirectory('pipelines/**/*.y?(a)ml')).toBe('pipelines');
    expect(pipelinesDirectory('deploy/pipelines/*.yaml')).toBe('deploy/pipelines');
    expect(() => pipelinesDirectory('**/*.yaml')).toThrow('Input pipelines ("**/*.yaml") must start with the directory that holds the pipelines');
  });
});

describe('the example workflow', () => {
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('uses the action with inputs it declares, then uploads its SARIF', () => {
    const ours = steps.find((step) => step.uses?.includes('/action@'));
    expect(Object.keys(ours?.with ?? {}).every((name) => name in action.inputs)).toBe(true);
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe(`\${{ steps.${ours?.id}.outputs.sarif-file }}`);
    expect(workflow.permissions).toMatchObject({ checks: 'write', 'pull-requests': 'write', 'security-events': 'write' });
  });
});
