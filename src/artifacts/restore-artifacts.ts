import { join } from 'node:path';
import { TerminalError } from '../errors.js';
import type { ArtifactStore } from './artifact-store.js';
import { isWithin } from './output-paths.js';
import { storedEvent, type ArtifactStoredEvent } from './store-outputs.js';

export interface RestoreArtifactsRequest {
  store: ArtifactStore;
  /** The execution whose stored outputs are brought back. */
  fromExecutionId: string;
  /** The execution they are restored into: indexed under it, so its later tasks find them as inputs. */
  toExecutionId: string;
  /** `stage.task` ids whose artifacts to restore. */
  tasks: readonly string[];
  /** The new execution's output directory. */
  outputDir: string;
  /** Fail when one of `tasks` stored nothing in `fromExecutionId` (its outputs would be missing). @defaultValue false */
  verify?: boolean;
}

/**
 * For rollback and resume: copies the stored artifacts of `tasks` into an output directory, all at
 * once (each copy checked against its sha256), then indexes them under the new execution in one
 * durable append. Returns the `artifact.stored` events to record, with the same sha256 as the originals.
 */
export async function restoreArtifacts(request: RestoreArtifactsRequest): Promise<ArtifactStoredEvent[]> {
  const wanted = new Set(request.tasks);
  const artifacts = (await request.store.list({ executionId: request.fromExecutionId })).filter((artifact) => wanted.has(artifact.task));
  if (request.verify) {
    const empty = request.tasks.filter((task) => !artifacts.some((artifact) => artifact.task === task));
    if (empty.length > 0) throw new TerminalError(`Execution ${request.fromExecutionId} stored no artifacts for ${empty.join(', ')}; nothing to restore for them`);
  }
  const destinations = artifacts.map((artifact) => {
    const destination = join(request.outputDir, artifact.path);
    if (!isWithin(request.outputDir, destination)) throw new TerminalError(`Artifact \`${artifact.path}\` of execution ${request.fromExecutionId} would land outside ${request.outputDir}`);
    return destination;
  });
  // Every copy settles before a failure is reported, so none is still writing into the output directory.
  const copies = await Promise.allSettled(artifacts.map((artifact, index) => request.store.copyTo(artifact, destinations[index]!)));
  const failed = copies.find((copy) => copy.status === 'rejected');
  if (failed) throw failed.reason;
  const stored = await request.store.indexExisting({ executionId: request.toExecutionId, artifacts });
  return stored.map(storedEvent);
}
