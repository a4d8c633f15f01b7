import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { FileStateStore } from '../../src/state/file-store.js';
import { openStateStore } from '../../src/state/open-store.js';
import { isolatedEnv } from '../cli/execute-support.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { crashAndResume, markerPipeline } from './crash-cycles.js';

const KILLS = 30;

// Both stores at once: each cycle mostly waits on a process starting, so they overlap well.
describe.concurrent('pipeline execute killed with SIGKILL at 30 random moments, then resumed', () => {
  it('on the file store: every execution succeeds and no task that had succeeded runs again', async () => {
    using dir = makeTempDir('orchestrate-crash-file-');
    dir.write('crash.yaml', markerPipeline());
    const workdir = join(dir.path, 'work');
    await using store = new FileStateStore({ directory: join(workdir, 'state') });
    const result = await crashAndResume({ dir: dir.path, workdir, storeArgs: ['--state', 'file'], env: isolatedEnv(dir.path), store, seed: 20240115, kills: KILLS });
    expect(result.kills).toBe(KILLS);
    // Some kills must land mid-run, after some tasks succeeded, or the check above proves nothing.
    expect(result.killsMidRun).toBeGreaterThan(0);
  }, 150_000);

  it('on the Redis store: every execution succeeds and no task that had succeeded runs again', async () => {
    using dir = makeTempDir('orchestrate-crash-redis-');
    dir.write('crash.yaml', markerPipeline());
    const keyPrefix = `crash-${randomUUID()}:`;
    // The key prefix is set in the configuration file only: one file per test keeps runs apart on the shared server.
    const config = dir.write('config.yaml', `state:\n  key_prefix: "${keyPrefix}"\n`);
    const redisUrl = inject('redisUrl');
    await using store = await openStateStore({ backend: 'redis', redisUrl, keyPrefix });
    const result = await crashAndResume({
      dir: dir.path,
      workdir: join(dir.path, 'work'),
      storeArgs: ['--state', 'redis', '--redis-url', redisUrl],
      env: isolatedEnv(dir.path, { AUTO_ORCHESTRATOR_CONFIG_PATH: config }),
      store,
      seed: 19700101,
      kills: KILLS,
    });
    expect(result.kills).toBe(KILLS);
    // Some kills must land mid-run, after some tasks succeeded, or the check above proves nothing.
    expect(result.killsMidRun).toBeGreaterThan(0);
  }, 150_000);
});
