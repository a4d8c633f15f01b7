import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** The Redis the engine benchmarks use: `REDIS_URL` when set, else a throw-away server of our own. */
export interface BenchRedis extends AsyncDisposable {
  url: string;
  /** Where it came from, for the report. */
  origin: string;
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, origin: 'REDIS_URL', [Symbol.asyncDispose]: async () => undefined };
  const port = await freePort();
  // Persistence off, as in the tests: the store's own cost is measured, not Redis's disk.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitForPong(url, child);
  } catch (error) {
    await stop(child);
    throw new Error(`redis-server did not start on port ${port}; install it (apt-get install redis-server) or set REDIS_URL`, { cause: error });
  }
  return { url, origin: `redis-server on 127.0.0.1:${port}, persistence off`, [Symbol.asyncDispose]: () => stop(child) };
}

async function waitForPong(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch {
      await sleep(50);
    } finally {
      client.disconnect();
    }
  }
  throw new Error('no PONG within 5 s');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('Could not pick a free port');
  return address.port;
}
