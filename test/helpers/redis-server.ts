import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { freePort } from './free-port.js';

export interface RedisServer extends AsyncDisposable {
  port: number;
  /** `redis://127.0.0.1:PORT` */
  url: string;
  /** Stops the server and waits for the process to exit; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway `redis-server` on a free loopback port, with persistence off, and resolves
 * once it answers PING. Retries with another port if the one picked was taken in the meantime.
 */
export async function startRedisServer(options: { attempts?: number; readyTimeoutMs?: number } = {}): Promise<RedisServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.attempts ?? 3); attempt++) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    try {
      await waitForPong(port, child, options.readyTimeoutMs ?? 10_000);
      return handle(port, child);
    } catch (error) {
      await stopProcess(child);
      lastError = new Error(`redis-server did not start on port ${port}: ${(error as Error).message}\n${output.join('').slice(-2000)}`, { cause: error });
    }
  }
  throw lastError;
}

function handle(port: number, child: ChildProcess): RedisServer {
  const stop = () => stopProcess(child);
  return { port, url: `redis://127.0.0.1:${port}`, stop, [Symbol.asyncDispose]: stop };
}

async function waitForPong(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode})`);
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no PONG within ${timeoutMs}ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
