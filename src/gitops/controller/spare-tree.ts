import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { removeTree } from '../extract-tree.js';
import type { Source } from '../source.js';

interface Spare {
  sha: string;
  /** A read-only checkout of `sha` that nothing has written to since. */
  dir: string;
  /** The index file `dir` was checked out through, with the stat data of every file in it. */
  index: string;
}

/**
 * One writable checkout of a recent commit, kept with its own index file so that the next tree
 * to stage costs the diff, not the repository: the spare is brought to the new commit (only the
 * files that differ are written), made read-only and handed over as a staged tree. The next
 * spare is checked out whole when `prepare` is called, off the critical path.
 *
 * Spares live in `<workdir>/spare-trees/` (beside the executions: a rename never crosses file
 * systems); whatever a killed controller left there is removed before the first is checked out.
 */
export class SpareTree {
  /** Ready or still being checked out; undefined once handed over (or before the first). */
  private spare: Promise<Spare | undefined> | undefined;
  private readonly dir: string;
  private readonly cleared: Promise<void>;

  constructor(
    private readonly source: Source,
    workdir: string,
    private readonly logger: Logger,
  ) {
    this.dir = join(workdir, 'spare-trees');
    this.cleared = removeTree(this.dir).catch((error: unknown) => logger.warn({ err: error }, `could not remove the spare trees left in ${this.dir}`));
  }

  /**
   * The spare, brought to `sha` and made read-only: a tree like any staged one, from now on the
   * caller's. Waits for a spare still being checked out, since a second checkout beside it would
   * only share the machine with it. Undefined when there is no spare or it could not be updated.
   */
  async take(sha: string): Promise<string | undefined> {
    const spare = await this.claim();
    if (!spare) return undefined;
    try {
      await this.source.updateTree(sha, spare.dir, spare.index);
      rmSync(spare.index, { force: true });
      return spare.dir;
    } catch (error) {
      this.logger.warn({ err: error, sha }, `could not bring the spare tree of ${spare.sha.slice(0, 12)} to ${sha.slice(0, 12)}; checking ${sha.slice(0, 12)} out whole`);
      await removeSpare(spare);
      return undefined;
    }
  }

  /** Starts checking out a spare of `sha` in the background, unless one (of any commit) is ready or on its way; resolves when it settled. */
  async prepare(sha: string): Promise<void> {
    if (!this.spare) this.spare = this.checkOut(sha);
    await this.spare;
  }

  private checkOut(sha: string): Promise<Spare | undefined> {
    const dir = join(this.dir, `${sha}-${randomUUID()}`);
    const spare: Spare = { sha, dir, index: `${dir}.index` };
    return this.cleared
      .then(() => this.source.updateTree(sha, spare.dir, spare.index))
      .then(
        () => spare,
        async (error: unknown) => {
          this.logger.warn({ err: error, sha }, `could not check out a spare tree of ${sha.slice(0, 12)}; the next execution's tree is checked out whole`);
          await removeSpare(spare);
          return undefined;
        },
      );
  }

  /** Removes the spare once its checkout has settled; a `prepare` after this starts a new one. */
  async remove(): Promise<void> {
    const spare = await this.claim();
    if (spare) await removeSpare(spare);
  }

  /** The spare, no longer anyone else's to take. */
  private claim(): Promise<Spare | undefined> {
    const claimed = this.spare ?? Promise.resolve(undefined);
    this.spare = undefined;
    return claimed;
  }
}

/** Never throws: a spare that cannot be removed only costs disk until the next controller starts. */
async function removeSpare(spare: Spare): Promise<void> {
  rmSync(spare.index, { force: true });
  await removeTree(spare.dir).catch(() => undefined);
}
