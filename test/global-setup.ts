import type { TestProject } from 'vitest/node';
import { startRedisServer } from './helpers/redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:PORT` of the one redis-server the whole suite shares; isolate with a key prefix per test. */
    redisUrl: string;
  }
}

/**
 * Starts ONE real `redis-server` for the suite on a free loopback port (no persistence) and
 * stops it when the run ends. Test files share it and stay apart by key prefix, so they can run
 * in parallel without starting a server each.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server;
  try {
    server = await startRedisServer();
  } catch (error) {
    throw new Error('The tests need a real redis-server on PATH (CI has /usr/bin/redis-server; locally `apt-get install redis-server`).', { cause: error });
  }
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
