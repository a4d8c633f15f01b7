import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { TransientError } from '../errors.js';
import { gitEnvironment } from './git-env.js';
import { sanitize, type RepositoryLocation } from './repository-location.js';

/** One object as `git cat-file --batch` prints it. */
export interface GitObject {
  sha: string;
  type: string;
  content: Buffer;
}

interface PendingRead {
  names: readonly string[];
  objects: (GitObject | undefined)[];
  resolve: (objects: (GitObject | undefined)[]) => void;
  reject: (error: Error) => void;
}

const HEADER = /^([0-9a-f]{40,64}) (\w+) (\d+)$/;
const NEWLINE = 0x0a;

/**
 * One long-lived `git cat-file --batch` per mirror, answering every read of objects, files at a
 * commit (`<sha>:<path>`) and names (`main^{commit}`) in the order asked. A reconcile reads from
 * Git four or five times; a process each cost 4–10 ms of spawning on the way to every deployment,
 * a line on an open pipe costs a fraction of one. git looks refs up afresh for every line and
 * rescans its packs when an object is missing, so commits fetched after the process started are
 * found. Spawned directly rather than through simple-git, which buffers output as text and would
 * corrupt binary files. Idle, it keeps neither the event loop nor git busy; it ends with `close()`
 * or with this process.
 */
export class CatFileSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly queue: PendingRead[] = [];
  /** Bytes received and not yet parsed. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the object body being received (with its trailing newline), once its header is parsed. */
  private body: { sha: string; type: string; size: number } | undefined;
  private stderr = '';

  constructor(
    private readonly mirror: string,
    private readonly location: RepositoryLocation,
  ) {}

  /** The objects `names` point at, in order; `undefined` where git finds none (or the name is ambiguous). */
  read(names: readonly string[]): Promise<(GitObject | undefined)[]> {
    if (names.some((name) => name === '' || /[\n\r]/.test(name))) return Promise.reject(new TransientError('An object name for git cat-file is empty or holds a line break'));
    if (names.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const child = this.child ?? this.start();
      this.queue.push({ names, objects: [], resolve, reject });
      pipe(child.stdout).ref();
      child.stdin.write(names.map((name) => `${name}\n`).join(''));
    });
  }

  /** Ends the process; reads still waiting fail. The next read starts a new one. */
  close(): void {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.stdin.end();
    this.fail(new TransientError(`git cat-file for ${this.location.display} was closed`));
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn('git', ['--git-dir', this.mirror, 'cat-file', '--batch'], { env: gitEnvironment(this.location), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.chunks = [];
    this.buffered = 0;
    this.body = undefined;
    this.stderr = '';
    // Only a read in flight keeps this process running (`read` refs stdout until its answer is in).
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
      this.ended(child, new TransientError(`Reading from ${this.location.display} failed (git cat-file exit ${code})${detail ? `: ${detail}` : ''}`));
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

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      const pending = this.queue[0];
      if (!pending) return;
      const object = this.body ? this.takeBody() : this.takeHeader();
      if (object === null) return;
      pending.objects.push(object);
      if (pending.objects.length === pending.names.length) {
        this.queue.shift();
        if (this.queue.length === 0 && this.child) pipe(this.child.stdout).unref();
        pending.resolve(pending.objects);
      }
    }
  }

  /** The next header line: `undefined` for a name git could not find, `null` when more bytes are needed or a body follows. */
  private takeHeader(): GitObject | undefined | null {
    const bytes = this.joined();
    const newline = bytes.indexOf(NEWLINE);
    if (newline === -1) return null;
    const line = bytes.subarray(0, newline).toString('utf8');
    this.keep(bytes.subarray(newline + 1));
    const match = HEADER.exec(line);
    // `<name> missing` or `<name> ambiguous`.
    if (!match) return undefined;
    this.body = { sha: match[1] as string, type: match[2] as string, size: Number(match[3]) };
    return this.takeBody();
  }

  /** The body of the object whose header was parsed, once all of it (and its newline) arrived. */
  private takeBody(): GitObject | null {
    const body = this.body as { sha: string; type: string; size: number };
    if (this.buffered < body.size + 1) return null;
    const bytes = this.joined();
    const content = Buffer.from(bytes.subarray(0, body.size));
    this.keep(bytes.subarray(body.size + 1));
    this.body = undefined;
    return { sha: body.sha, type: body.type, content };
  }

  /** Everything buffered as one Buffer; concatenated only when a header or a whole body is there to take. */
  private joined(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] as Buffer;
  }

  private keep(rest: Buffer): void {
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
  }
}

/** A child's stdio streams are sockets over pipes, which can be unref'd like any handle. */
function pipe(stream: NodeJS.ReadableStream | NodeJS.WritableStream): Socket {
  return stream as unknown as Socket;
}
