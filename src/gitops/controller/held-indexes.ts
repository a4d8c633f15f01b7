import type { Logger } from 'pino';
import { readPipelineIndex, type PipelineIndex } from '../pipeline-index.js';
import type { Source } from '../source.js';

/**
 * The pipeline indexes the controller keeps between reconciles, by commit SHA: the two used last,
 * which are the active deployment's and the commit evaluated against it. Looked up by the SHA a
 * reconcile diffs from, an index is never used for another commit, whatever a failed deployment
 * or a rollback changed meanwhile; a miss only means the slower search through the tree.
 */
export class HeldIndexes {
  private readonly bySha = new Map<string, PipelineIndex>();
  private readonly reading = new Map<string, Promise<void>>();

  constructor(private readonly options: { source: Source; pipelinesDir: string; logger: Logger }) {}

  /** The index at `sha` when one is held. */
  get(sha: string | null): PipelineIndex | undefined {
    const index = sha === null ? undefined : this.bySha.get(sha);
    // Map order is use order: what was used last is what the next reconcile diffs from.
    if (index) this.hold(index);
    return index;
  }

  hold(index: PipelineIndex): void {
    this.bySha.delete(index.sha);
    this.bySha.set(index.sha, index);
    for (const sha of [...this.bySha.keys()].slice(0, -2)) this.bySha.delete(sha);
  }

  /**
   * Reads the index at `sha` in the background when none is held (after a restart, or a rollback
   * to an older deployment), so the next change from `sha` is looked up rather than searched for.
   */
  ensure(sha: string): void {
    if (this.bySha.has(sha) || this.reading.has(sha)) return;
    const reading = readPipelineIndex(this.options.source, sha, this.options.pipelinesDir)
      .then((index) => this.hold(index))
      .catch((error: unknown) => this.options.logger.warn({ err: error, sha }, `could not index the pipelines at ${sha.slice(0, 12)}`))
      .finally(() => this.reading.delete(sha));
    this.reading.set(sha, reading);
  }

  /** Waits for the indexes being read, so nothing runs once the controller has stopped. */
  async idle(): Promise<void> {
    await Promise.all(this.reading.values());
  }
}
