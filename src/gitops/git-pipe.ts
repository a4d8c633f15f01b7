import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { TransientError } from '../errors.js';
import { gitEnvironment } from './git-env.js';
import { sanitize, type RepositoryLocation } from './repository-location.js';

/** A request written to the pipe and waiting for its answer. */
export interface PendingRequest {
  reject(error: Error): void;
}

/**
 * One long-lived git process in a mirror that answers requests written to its stdin, in order
 * (`cat-file --batch`, `update-ref --stdin`). Forking a git per request cost a large
 * controller's main thread 3–7 ms each on the way to every deployment; a line on an open pipe
 * costs a fraction of one. The process starts on the first request and again after it died.
 * Only requests in flight keep this process alive: idle, it holds neither the event loop nor
 * git, and it ends with `close()` or with this process.
 */
export abstract class GitPipe<Pending extends PendingRequest> {
  private child: ChildProcessWithoutNullStreams | undefined;
  protected readonly queue: Pending[] = [];
  private stderr = '';

  constructor(
    private readonly mirror: string,
    protected readonly location: RepositoryLocation,
    private readonly args: readonly string[],
  ) {}

  /** Ends the process; requests still waiting fail. The next request starts a new one. */
  close(): void {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.stdin.end();
    this.fail(new TransientError(`git ${this.args[0]} for ${this.location.display} was closed`));
  }

  /** Bytes from git's stdout, to be matched against `queue` in order. */
  protected abstract receive(chunk: Buffer): void;

  /** A new process starts with nothing half-received. */
  protected abstract reset(): void;

  protected send(pending: Pending, input: string): void {
    const child = this.child ?? this.start();
    this.queue.push(pending);
    pipe(child.stdout).ref();
    child.stdin.write(input);
  }

  /** The oldest request was answered: removes it; with none left, stops holding the event loop. */
  protected answered(): Pending | undefined {
    const pending = this.queue.shift();
    if (this.queue.length === 0 && this.child) pipe(this.child.stdout).unref();
    return pending;
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn('git', ['--git-dir', this.mirror, ...this.args], { env: gitEnvironment(this.location), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.stderr = '';
    this.reset();
    // Only a request in flight keeps this process running (`send` refs stdout until its answer is in).
    child.unref();
    pipe(child.stdin).unref();
    pipe(child.stderr).unref();
    child.stdout.on('data', (chunk: Buffer) => this.child === child && this.receive(chunk));
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    // A failing git closes stdin early; `close` says why.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => this.ended(child, new TransientError(`Cannot start git: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      const detail = sanitize(this.stderr.trim(), this.location);
      this.ended(child, new TransientError(`git ${this.args[0]} in ${this.location.display} failed (exit ${code})${detail ? `: ${detail}` : ''}`));
    });
    return child;
  }

  private ended(child: ChildProcessWithoutNullStreams, error: Error): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.fail(error);
  }

  private fail(error: Error): void {
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }
}

/** A child's stdio streams are sockets over pipes, which can be unref'd like any handle. */
function pipe(stream: NodeJS.ReadableStream | NodeJS.WritableStream): Socket {
  return stream as unknown as Socket;
}
