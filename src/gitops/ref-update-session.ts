import { GitPipe } from './git-pipe.js';
import type { RepositoryLocation } from './repository-location.js';

interface PendingUpdate {
  /** `start: ok` and `commit: ok` still to come. */
  acknowledgements: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * One long-lived `git update-ref --stdin` per mirror: each update is a transaction of its own
 * (`start`, `update`, `commit`), acknowledged line by line. When git refuses one (an object the
 * mirror lacks), it exits with the reason, that update fails, and the next starts a new process.
 */
export class RefUpdateSession extends GitPipe<PendingUpdate> {
  private text = '';

  constructor(mirror: string, location: RepositoryLocation) {
    super(mirror, location, ['update-ref', '--stdin']);
  }

  /** Points `ref` at `sha`, durably as git writes refs, once git said so. Names are ours: no whitespace. */
  update(ref: string, sha: string): Promise<void> {
    return new Promise((resolve, reject) => this.send({ acknowledgements: 2, resolve, reject }, `start\nupdate ${ref} ${sha}\ncommit\n`));
  }

  protected reset(): void {
    this.text = '';
  }

  protected receive(chunk: Buffer): void {
    this.text += chunk.toString('utf8');
    for (let newline = this.text.indexOf('\n'); newline !== -1; newline = this.text.indexOf('\n')) {
      this.text = this.text.slice(newline + 1);
      const pending = this.queue[0];
      if (pending && --pending.acknowledgements === 0) this.answered()?.resolve();
    }
  }
}
