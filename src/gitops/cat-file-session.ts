import { TransientError } from '../errors.js';
import { GitPipe } from './git-pipe.js';
import type { RepositoryLocation } from './repository-location.js';

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
 * commit (`<sha>:<path>`) and names (`main^{commit}`) in the order asked. git looks refs up
 * afresh for every line and rescans its packs when an object is missing, so commits fetched
 * after the process started are found. Spawned directly rather than through simple-git, which
 * buffers output as text and would corrupt binary files.
 */
export class CatFileSession extends GitPipe<PendingRead> {
  /** Bytes received and not yet parsed. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The object whose body is being received, once its header is parsed. */
  private body: { sha: string; type: string; size: number } | undefined;

  constructor(mirror: string, location: RepositoryLocation) {
    super(mirror, location, ['cat-file', '--batch']);
  }

  /** The objects `names` point at, in order; `undefined` where git finds none (or the name is ambiguous). */
  read(names: readonly string[]): Promise<(GitObject | undefined)[]> {
    if (names.some((name) => name === '' || /[\n\r]/.test(name))) return Promise.reject(new TransientError('An object name for git cat-file is empty or holds a line break'));
    if (names.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => this.send({ names, objects: [], resolve, reject }, names.map((name) => `${name}\n`).join('')));
  }

  protected reset(): void {
    this.chunks = [];
    this.buffered = 0;
    this.body = undefined;
  }

  protected receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      const pending = this.queue[0];
      if (!pending) return;
      const object = this.body ? this.takeBody() : this.takeHeader();
      if (object === null) return;
      pending.objects.push(object);
      if (pending.objects.length === pending.names.length) this.answered()?.resolve(pending.objects);
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
