import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { removeTree } from '../extract-tree.js';
import type { Source } from '../source.js';

/** `<sha>-<uuid>`: the spare's directory; the same name with these endings holds its index and marks it complete. */
const INDEX = '.index';
const READY = '.ready';

interface Spare {
  sha: string;
  /** A read-only checkout of `sha` that nothing has written to since. */
  dir: string;
}

/**
 * One read-only checkout of a recent commit, kept with its own index file so that the next tree
 * to stage costs the diff, not the repository: the spare is brought to the new commit (only the
 * files that differ are written) and handed over as a staged tree. The next spare is checked
 * out whole when `prepare` is called, off the critical path.
 *
 * Spares live in `<workdir>/spare-trees/` (beside the executions: a rename never crosses file
 * systems). A complete one outlives its controller, so each `controller sync` in a process of
 * its own starts from the spare the previous one left; anything else there (a checkout or an
 * update a killed controller left halfway) is removed before the first spare is taken.
 */
export class SpareTree {
  /** Ready or still being checked out; undefined once handed over. */
  private spare: Promise<Spare | undefined> | undefined;
  private readonly dir: string;
  /** Settles once only the spare worth keeping is left in `dir`. */
  private readonly cleared: Promise<void>;

  constructor(
    private readonly source: Source,
    workdir: string,
    private readonly logger: Logger,
  ) {
    this.dir = join(workdir, 'spare-trees');
    const left = this.keepLeftSpare().catch((error: unknown) => {
      logger.warn({ err: error }, `could not tidy the spare trees left in ${this.dir}`);
      return undefined;
    });
    this.cleared = this.hold(left).then(() => undefined);
  }

  /**
   * The spare, brought to `sha`: a read-only tree like any staged one, from now on the caller's.
   * Waits for a spare still being checked out, since a second checkout beside it would only
   * share the machine with it. Undefined when there is no spare or it could not be updated.
   */
  async take(sha: string): Promise<string | undefined> {
    const spare = await this.claim();
    if (!spare) return undefined;
    try {
      // From here on it is no spare: a controller killed during the update leaves it to be removed.
      rmSync(spare.dir + READY);
      await this.source.updateTree(sha, spare.dir, spare.dir + INDEX, spare.sha);
      rmSync(spare.dir + INDEX);
      return spare.dir;
    } catch (error) {
      this.logger.warn({ err: error, sha }, `could not bring the spare tree of ${spare.sha.slice(0, 12)} to ${sha.slice(0, 12)}; checking ${sha.slice(0, 12)} out whole`);
      await this.removeSpare(spare);
      return undefined;
    }
  }

  /** Starts checking out a spare of `sha` in the background, unless one (of any commit) is ready or on its way; resolves when it settled. */
  async prepare(sha: string): Promise<void> {
    // One on its way may come to nothing (none was left, or its checkout failed): then check one out.
    if (this.spare && (await this.spare)) return;
    await (this.spare ?? this.hold(this.checkOut(sha)));
  }

  /** Resolves once no checkout of a spare is under way; a complete spare stays for the next controller. */
  async settle(): Promise<void> {
    await this.spare;
  }

  private async checkOut(sha: string): Promise<Spare | undefined> {
    const spare = { sha, dir: join(this.dir, `${sha}-${randomUUID()}`) };
    await this.cleared;
    try {
      await this.source.updateTree(sha, spare.dir, spare.dir + INDEX);
      writeFileSync(spare.dir + READY, '');
      return spare;
    } catch (error) {
      this.logger.warn({ err: error, sha }, `could not check out a spare tree of ${sha.slice(0, 12)}; the next execution's tree is checked out whole`);
      await this.removeSpare(spare);
      return undefined;
    }
  }

  /** Makes `pending` the spare; when it comes to nothing, the next `prepare` checks one out. */
  private hold(pending: Promise<Spare | undefined>): Promise<Spare | undefined> {
    const held: Promise<Spare | undefined> = pending.then((spare) => {
      if (!spare && this.spare === held) this.spare = undefined;
      return spare;
    });
    this.spare = held;
    return held;
  }

  /** The spare, no longer anyone else's to take. */
  private claim(): Promise<Spare | undefined> {
    const claimed = this.spare ?? Promise.resolve(undefined);
    this.spare = undefined;
    return claimed;
  }

  /** The complete spare a previous controller left, if any, once everything else it left is gone. */
  private async keepLeftSpare(): Promise<Spare | undefined> {
    const names = existsSync(this.dir) ? readdirSync(this.dir) : [];
    const kept = names.find((name) => name.endsWith(READY) && names.includes(name.slice(0, -READY.length)) && names.includes(name.slice(0, -READY.length) + INDEX))?.slice(0, -READY.length);
    for (const name of names) if (kept === undefined || !name.startsWith(kept)) await removeTree(join(this.dir, name));
    return kept === undefined ? undefined : { sha: kept.slice(0, kept.indexOf('-')), dir: join(this.dir, kept) };
  }

  /** Never throws: a spare that cannot be removed costs only disk until the next controller starts. */
  private async removeSpare(spare: Spare): Promise<void> {
    try {
      rmSync(spare.dir + READY, { force: true });
      rmSync(spare.dir + INDEX, { force: true });
      await removeTree(spare.dir);
    } catch (error) {
      this.logger.warn({ err: error }, `could not remove the spare tree ${spare.dir}`);
    }
  }
}
