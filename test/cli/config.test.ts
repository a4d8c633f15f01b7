import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { runCli } from '../helpers/run-cli.js';

/** A config path in a temp dir and an environment that sets nothing else. */
function world() {
  const dir = makeTempDir('orchestrate-config-');
  const configPath = join(dir.path, 'conf', 'config.yaml');
  const env: NodeJS.ProcessEnv = { AUTO_ORCHESTRATOR_CONFIG_PATH: configPath, ORCHESTRATION_WORKDIR: '', REDIS_URL: '', ORCHESTRATION_LOG_LEVEL: '', K8S_NAMESPACE: '', DRY_RUN: '' };
  return { dir, configPath, env, cli: (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir.path, env: { ...env, ...extra } }) };
}

describe('orchestrate config init', () => {
  it('writes the file from the seed’s flags, owner-only, and refuses to replace it without --force', () => {
    const { dir, configPath, cli } = world();
    using _ = dir;
    const args = ['config', 'init', '--redis-url', 'redis://:s3cret@redis-cluster:6379/0', '--workdir', '/var/lib/orchestration', '--log-level', 'INFO', '--executor', 'k8s', '--k8s-namespace', 'data-pipelines'];
    const result = cli(args);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`Wrote ${configPath}\n`);
    expect(parse(readFileSync(configPath, 'utf8'))).toEqual({
      workdir: '/var/lib/orchestration',
      state: { backend: 'redis', redis_url: 'redis://:s3cret@redis-cluster:6379/0' },
      log: { level: 'info' },
      executor: { default: 'kubernetes', kubernetes: { namespace: 'data-pipelines' } },
    });
    expect(statSync(configPath).mode & 0o777).toBe(0o600);

    const again = cli(['config', 'init', '--workdir', '/elsewhere']);
    expect(again.status).toBe(2);
    expect(again.stderr).toBe(`error: The configuration file ${configPath} already exists. Pass --force to replace it, or change one key with \`orchestrate config set --key … --value …\`.\n`);
    expect(cli(['config', 'init', '--workdir', '/elsewhere', '--force']).status).toBe(0);
    expect(parse(readFileSync(configPath, 'utf8'))).toEqual({ workdir: '/elsewhere' });
  });

  it('prints the file with --dry-run, password masked, and writes nothing', () => {
    const { dir, configPath, cli } = world();
    using _ = dir;
    const result = cli(['config', 'init', '--redis-url', 'redis://:s3cret@localhost:6379/0', '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`# Dry run: would write ${configPath}`);
    expect(result.stdout).toContain('redis_url: redis://:***@localhost:6379/0');
    expect(result.stdout).not.toContain('s3cret');
    expect(existsSync(configPath)).toBe(false);
  });

  it('exits 2 for an executor it cannot run', () => {
    const { dir, cli } = world();
    using _ = dir;
    const result = cli(['config', 'init', '--executor', 'aws-batch']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('error: Expected --executor to be local, docker or k8s, got `aws-batch` (AWS Batch is not supported).\n');
  });
});

describe('orchestrate config show', () => {
  it('says where every value came from: default, file, env or flag', () => {
    const { dir, configPath, cli } = world();
    using _ = dir;
    dir.write('conf/config.yaml', 'state:\n  ttl_days: 30\nretry:\n  max_attempts: 5\n');
    const result = cli(['config', 'show', '--show-origin', '--workdir', '/from/flag'], { ORCHESTRATION_LOG_LEVEL: 'WARNING', REDIS_URL: 'redis://:pw@127.0.0.1:6379/0' });
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`# configuration file: ${configPath}`);
    expect(lines).toContain('workdir: /from/flag  # flag');
    expect(lines).toContain('log.level: warn  # env ORCHESTRATION_LOG_LEVEL');
    expect(lines).toContain(`state.ttl_days: 30  # file ${configPath}`);
    expect(lines).toContain(`retry.max_attempts: 5  # file ${configPath}`);
    expect(lines).toContain('state.redis_url: redis://:***@127.0.0.1:6379/0  # env REDIS_URL');
    expect(lines).toContain('state.backend: redis  # env REDIS_URL');
    expect(lines).toContain('retry.backoff: exponential  # default');
    expect(result.stdout).not.toContain(':pw@');
  });

  it('shows credentials only with --secrets, and prints json and env formats', () => {
    const { dir, cli } = world();
    using _ = dir;
    const env = { REDIS_URL: 'redis://user:pw@127.0.0.1:6379/0' };
    const json = JSON.parse(cli(['config', 'show', '--format', 'json', '--show-origin'], env).stdout);
    expect(json['state.redis_url']).toEqual({ value: 'redis://user:***@127.0.0.1:6379/0', origin: 'env', source: 'REDIS_URL' });
    expect(json['state.ttl_days']).toEqual({ value: 90, origin: 'default' });
    expect(JSON.parse(cli(['config', 'show', '--format', 'json', '--secrets'], env).stdout)['state.redis_url']).toBe('redis://user:pw@127.0.0.1:6379/0');
    const shell = cli(['config', 'show', '--format', 'env'], env).stdout.split('\n');
    expect(shell).toContain("REDIS_URL='redis://user:***@127.0.0.1:6379/0'");
    expect(shell).toContain('# retry.max_attempts=3');
  });

  it('exits 2 naming the file and the key when the file is invalid', () => {
    const { dir, configPath, cli } = world();
    using _ = dir;
    dir.write('conf/config.yaml', 'state:\n  backend: sqlite\n');
    const result = cli(['config', 'show']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`error: The configuration file ${configPath} is invalid: state.backend:`);
    expect(result.stderr).toContain('run `orchestrate config init --force`');
  });
});

describe('orchestrate config set', () => {
  it('sets a key with the key’s own type, keeping the rest of the file', () => {
    const { dir, configPath, cli } = world();
    using _ = dir;
    dir.write('conf/config.yaml', 'workdir: /data\n');
    const result = cli(['config', 'set', '--key', 'retry.max_attempts', '--value', '5']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`Set retry.max_attempts = 5 in ${configPath}\n`);
    expect(cli(['config', 'set', '--key', 'dry_run', '--value', 'true', '--type', 'bool']).status).toBe(0);
    expect(cli(['config', 'set', '--key', 'state.redis_url', '--value', 'rediss://:password@redis-host:6379/0', '--type', 'string']).stdout).toBe(
      `Set state.redis_url = rediss://:***@redis-host:6379/0 in ${configPath}\n`,
    );
    expect(parse(readFileSync(configPath, 'utf8'))).toEqual({ workdir: '/data', retry: { max_attempts: 5 }, dry_run: true, state: { redis_url: 'rediss://:password@redis-host:6379/0' } });
    // What was set is what resolves.
    expect(JSON.parse(cli(['config', 'show', '--format', 'json']).stdout)['retry.max_attempts']).toBe(5);
  });

  it('prints the resulting file with --dry-run and writes nothing', () => {
    const { dir, configPath, cli } = world();
    using _ = dir;
    const result = cli(['config', 'set', '--key', 'executor.default', '--value', 'docker', '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`# Dry run: would set executor.default = docker in ${configPath}`);
    expect(result.stdout).toContain('executor:\n  default: docker\n');
    expect(existsSync(configPath)).toBe(false);
  });

  it.each([
    { name: 'the seed’s top-level redis_url', args: ['--key', 'redis_url', '--value', 'redis://localhost:6379/0'], message: 'error: Unknown configuration key `redis_url`; did you mean `state.redis_url`? Known keys: workdir, state.backend,' },
    { name: 'a misspelt key', args: ['--key', 'retry.max_atempts', '--value', '3'], message: 'error: Unknown configuration key `retry.max_atempts`; did you mean `retry.max_attempts`?' },
    { name: 'a key the schema does not have', args: ['--key', 'executor.docker.network_mode', '--value', 'bridge'], message: 'error: Unknown configuration key `executor.docker.network_mode`' },
    { name: 'a value of the wrong type', args: ['--key', 'state.ttl_days', '--value', 'ninety'], message: 'error: Expected --value for `state.ttl_days` to be a number such as `2.5`, got `ninety`.' },
    { name: 'a value outside the choices', args: ['--key', 'state.backend', '--value', 'sqlite'], message: 'error: Invalid value "sqlite" for `state.backend` (state.backend: Invalid option: expected one of "file"|"redis"). Allowed: file, redis.' },
    { name: 'a type the key does not hold', args: ['--key', 'retry.max_attempts', '--value', '"3"', '--type', 'json'], message: 'error: Invalid value "3" for `retry.max_attempts`' },
  ])('exits 2 for $name, leaving the file alone', ({ args, message }) => {
    const { dir, configPath, cli } = world();
    using _ = dir;
    const result = cli(['config', 'set', ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toContain(message);
    expect(existsSync(configPath)).toBe(false);
  });
});
