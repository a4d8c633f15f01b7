import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { removeTree } from '../extract-tree.js';
import type { Source } from '../source.js';
import { SpareTree } from './spare-tree.js';

/**
 * Trees checked out ahead of the executions that will run in them. Checking out a repository of
 * a thousand files takes a few hundred milliseconds; a deployment that starts a run learns which
 * pipelines ask for one right after the diff, so the tree can be extracted while the commit is
 * still being validated and recorded. An execution then takes a staged tree by renaming it into
 * its own workspace: still one private, read-only copy per execution, now ready when it starts.
 *
 * The first tree staged while there is a spare (see `SpareTree`) is that spare brought to its
 * commit, which writes only the files that differ; the others are checked out whole.
 *
 * Staged trees live in `<workdir>/staged-trees/`, beside the executions (a rename never
 * crosses file systems). What nobody takes is removed by `discard`, and whatever a killed
 * controller left is removed when the next one starts.
 */
export class StagedTrees {
  private readonly staged = new Map<string, Promise<string | undefined>[]>();
  private readonly dir: string;
  /** What a killed controller left behind is gone before anything is staged. */
  private readonly cleared: Promise<void>;
  private discarding: Promise<void> = Promise.resolve();
  private readonly spare: SpareTree;
  /** The commit staged last: the next one most likely shares most of its files. */
  private newest: string | undefined;

  constructor(
    private readonly source: Source,
    workdir: string,
    private readonly logger: Logger,
  ) {
    this.dir = join(workdir, 'staged-trees');
    this.cleared = removeTree(this.dir).catch((error: unknown) => logger.warn({ err: error }, `could not remove the staged trees left in ${this.dir}`));
    this.spare = new SpareTree(source, workdir, logger);
  }

  /** Starts extracting `count` trees of `sha` in the background. A failure only means the execution checks out itself. */
  stage(sha: string, count: number): void {
    const trees = this.staged.get(sha) ?? [];
    for (let index = 0; index < count; index++) {
      trees.push(this.spare.take(sha).then((spare) => spare ?? this.checkOut(sha)));
    }
    this.staged.set(sha, trees);
    this.newest = sha;
  }

  /**
   * Starts checking out a spare of the commit staged last, unless a spare is ready or on its way;
   * call it when the machine is free. Resolves when that spare is ready (or failed and was removed).
   */
  prepareSpare(): Promise<void> {
    return this.newest ? this.spare.prepare(this.newest) : Promise.resolve();
  }

  /** Removes every staged tree nobody took; resolves when they are gone and no spare is being checked out. */
  async close(): Promise<void> {
    await Promise.all([this.discard(), this.spare.settle()]);
  }

  private checkOut(sha: string): Promise<string | undefined> {
    const path = join(this.dir, `${sha}-${randomUUID()}`);
    return this.cleared.then(() => this.source.checkout(sha, path, { pin: false })).then(
      () => path,
      (error: unknown) => {
        this.logger.warn({ err: error, sha }, `could not check out ${sha.slice(0, 12)} ahead of its execution; it will check out when it starts`);
        return undefined;
      },
    );
  }

  /**
   * Moves a staged tree of `sha` to `workspace` (which must not exist); false when none was
   * staged or its checkout failed. The tree keeps its read-only files; only its top directory is
   * writable for the moment of the rename, which updates its `..` entry.
   */
  async take(sha: string, workspace: string): Promise<boolean> {
    const next = this.staged.get(sha)?.shift();
    if (!next) return false;
    const path = await next;
    if (!path) return false;
    try {
      const mode = statSync(path).mode & 0o7777;
      chmodSync(path, mode | 0o200);
      mkdirSync(dirname(workspace), { recursive: true });
      renameSync(path, workspace);
      chmodSync(workspace, mode);
      return true;
    } catch (error) {
      this.logger.warn({ err: error, sha }, `could not move the tree staged for ${sha.slice(0, 12)} into ${workspace}; checking out instead`);
      await removeTree(path);
      return false;
    }
  }

  /** Removes every staged tree nobody took, once its checkout has settled; resolves when earlier discards are done too. */
  discard(): Promise<void> {
    const left = [...this.staged.values()].flat();
    this.staged.clear();
    this.discarding = this.discarding.then(async () => {
      for (const path of await Promise.all(left)) if (path) await removeTree(path);
    });
    return this.discarding;
  }
}
