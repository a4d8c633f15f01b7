import { describe, expect, it } from 'vitest';
import { findConfigKey, listConfigKeys, parseConfigValue, setConfigKey, type ValueType } from '../../src/config/config-keys.js';
import { UsageError } from '../../src/errors.js';

describe('configuration keys', () => {
  it('lists every leaf of the file schema with its kind', () => {
    const keys = Object.fromEntries(listConfigKeys().map((info) => [info.key, info.values ? `${info.kind}:${info.values.join('|')}` : info.kind]));
    expect(keys).toEqual({
      workdir: 'string',
      'state.backend': 'enum:file|redis',
      'state.redis_url': 'string',
      'state.key_prefix': 'string',
      'state.ttl_days': 'number',
      'log.level': 'enum:debug|info|warn|error',
      'executor.default': 'enum:local|docker|kubernetes',
      'executor.local.cpu': 'number',
      'executor.local.memory': 'string',
      'executor.kubernetes.namespace': 'string',
      'retry.max_attempts': 'integer',
      'retry.backoff': 'enum:exponential|linear|constant',
      'retry.initial_delay': 'string',
      'retry.max_delay': 'string',
      dry_run: 'boolean',
    });
  });

  const values: { name: string; key: string; raw: string; type?: ValueType; want: unknown }[] = [
    { name: 'an integer by the key’s type', key: 'retry.max_attempts', raw: '5', want: 5 },
    { name: 'a float by the key’s type', key: 'state.ttl_days', raw: '0.5', want: 0.5 },
    { name: 'a boolean spelled yes', key: 'dry_run', raw: 'yes', want: true },
    { name: 'a boolean spelled off', key: 'dry_run', raw: 'off', type: 'bool', want: false },
    { name: 'a string kept as written', key: 'workdir', raw: ' /data ', want: ' /data ' },
    { name: 'JSON when asked', key: 'state.ttl_days', raw: '7', type: 'json', want: 7 },
  ];
  it.each(values)('reads $name', ({ key, raw, type, want }) => {
    expect(parseConfigValue(findConfigKey(key), raw, type)).toEqual(want);
  });

  const refusals: { name: string; run: () => unknown; message: string }[] = [
    { name: 'a fraction for an integer', run: () => parseConfigValue(findConfigKey('retry.max_attempts'), '2.5'), message: 'Expected --value for `retry.max_attempts` to be a whole number such as `3`, got `2.5`.' },
    { name: 'broken JSON', run: () => parseConfigValue(findConfigKey('workdir'), '{', 'json'), message: 'Expected --value for `workdir` to be JSON such as `"text"`, `3` or `true`, got `{`.' },
    { name: 'a zero TTL', run: () => setConfigKey({}, findConfigKey('state.ttl_days'), 0), message: 'Invalid value 0 for `state.ttl_days` (state.ttl_days: Too small: expected number to be >0).' },
    { name: 'a key by its last part', run: () => findConfigKey('namespace'), message: 'Unknown configuration key `namespace`; did you mean `executor.kubernetes.namespace`?' },
  ];
  it.each(refusals)('refuses $name with a usage error', ({ run, message }) => {
    expect(run).toThrow(UsageError);
    expect(run).toThrow(message);
  });

  it('sets a nested key without touching its siblings or the input', () => {
    const file = { state: { backend: 'file' as const }, workdir: '/data' };
    expect(setConfigKey(file, findConfigKey('state.key_prefix'), 'orch:')).toEqual({ state: { backend: 'file', key_prefix: 'orch:' }, workdir: '/data' });
    expect(file).toEqual({ state: { backend: 'file' }, workdir: '/data' });
  });
});
