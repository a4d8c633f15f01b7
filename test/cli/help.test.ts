import { describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_LIMITS } from '../../src/spec/load-source.js';
import { runCli } from '../helpers/run-cli.js';

describe('orchestrate --help and usage errors', () => {
  it('prints the command tree with exit 0', () => {
    const result = runCli(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('validate');
    expect(result.stdout).toContain('pipeline');
  });

  it('teaches validate pipeline with examples and exit codes', () => {
    const result = runCli(['validate', 'pipeline', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--check-connections');
    expect(result.stdout).toContain('Exit status: 0 when there are no errors');
  });

  it('states the file size limit the loader applies when --max-file-size is not given', () => {
    const result = runCli(['validate', 'pipeline', '--help']);
    expect(result.stdout).toContain(`largest pipeline file read (default ${DEFAULT_LOAD_LIMITS.maxFileBytes / 1024 / 1024}MiB)`);
  });

  it('exits 2 on a missing required flag, without a stack trace', () => {
    const result = runCli(['validate', 'pipeline']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("required option '-p, --pipeline <path>' not specified");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on an unknown output format', () => {
    const result = runCli(['validate', 'pipeline', '--pipeline', 'x.yaml', '--output', 'xml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Allowed choices are human, json, sarif');
  });

  it('exits 2 when the pipeline path does not exist', () => {
    const result = runCli(['validate', 'pipeline', '--pipeline', 'no/such/file.yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('error: No such file or directory: no/such/file.yaml\n');
  });
});
