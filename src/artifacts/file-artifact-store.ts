import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TerminalError } from '../errors.js';
import { assertExecutionId } from '../state/ledger-lines.js';
import { appendIndexEntries, readIndex, type IndexEntry } from './artifact-index.js';
import type { ArtifactStore, PutArtifactRequest, StoredArtifact } from './artifact-store.js';
import { hashFile, isSha256 } from './hash-file.js';
import { isWithin } from './output-paths.js';
import { parseUploadTarget } from './upload-target.js';

/** Only the orchestrator's user reads stored outputs: they may hold anything a task wrote. */
const DIR_MODE = 0o700;
/** Blobs are write-once: read-only once in place. */
const BLOB_MODE = 0o444;

export interface FileArtifactStoreOptions {
  /** Usually `<workdir>/artifacts`. */
  root: string;
  /** Relative `upload_to` paths resolve against this. @defaultValue process.cwd() */
  uploadBase?: string;
}

/**
 * Artifacts under one directory: `blobs/<aa>/<sha256>` holds each content once, `index/<execution>.ndjson`
 * lists what each execution stored. A blob is written to `tmp/`, synced, then linked into place,
 * so a reader sees a whole blob or none; an existing blob is never rewritten.
 */
export class FileArtifactStore implements ArtifactStore {
  private readonly root: string;
  private readonly uploadBase: string;
  /** Appends to one index run one at a time, in call order. */
  private readonly indexQueues = new Map<string, Promise<unknown>>();

  constructor(options: FileArtifactStoreOptions) {
    this.root = options.root;
    this.uploadBase = options.uploadBase ?? process.cwd();
  }

  async put(request: PutArtifactRequest): Promise<StoredArtifact> {
    assertExecutionId(request.executionId);
    const { sha256, sizeBytes } = await this.storeBlob(request.sourcePath);
    const indexFile = this.indexFile(request.executionId);
    return this.serialize(indexFile, async () => {
      const entries = await readIndex(indexFile);
      const previous = entries.findLast((entry) => entry.task === request.task && entry.path === request.path);
      const upload = request.uploadTo === undefined ? {} : await this.upload(request.uploadTo, request.path, sha256);
      if (previous && previous.sha256 === sha256 && previous.uploaded_to === upload.uploadedTo && previous.upload_skipped === upload.uploadSkipped) {
        return toArtifact(request.executionId, previous);
      }
      const entry: IndexEntry = {
        task: request.task,
        path: request.path,
        type: request.type ?? 'file',
        size_bytes: sizeBytes,
        sha256,
        uri: pathToFileURL(this.blobFile(sha256)).href,
        ...(upload.uploadedTo ? { uploaded_to: upload.uploadedTo } : {}),
        ...(upload.uploadSkipped ? { upload_skipped: upload.uploadSkipped } : {}),
        stored_at: new Date().toISOString(),
      };
      await this.appendEntries(indexFile, [entry]);
      return toArtifact(request.executionId, entry);
    });
  }

  async indexExisting(request: { executionId: string; artifacts: readonly StoredArtifact[] }): Promise<StoredArtifact[]> {
    assertExecutionId(request.executionId);
    await Promise.all(request.artifacts.map((artifact) => this.presentBlob(artifact.sha256, describe(artifact))));
    const indexFile = this.indexFile(request.executionId);
    return this.serialize(indexFile, async () => {
      const latest = new Map((await readIndex(indexFile)).map((entry) => [entryKey(entry), entry]));
      const storedAt = new Date().toISOString();
      const added: IndexEntry[] = [];
      const entries = request.artifacts.map((artifact) => {
        const previous = latest.get(entryKey(artifact));
        // Like `put`: the same content indexed again adds no line.
        if (previous && previous.sha256 === artifact.sha256 && previous.uploaded_to === undefined && previous.upload_skipped === undefined) return previous;
        const entry: IndexEntry = {
          task: artifact.task,
          path: artifact.path,
          type: artifact.type,
          size_bytes: artifact.sizeBytes,
          sha256: artifact.sha256,
          uri: pathToFileURL(this.blobFile(artifact.sha256)).href,
          stored_at: storedAt,
        };
        added.push(entry);
        return entry;
      });
      await this.appendEntries(indexFile, added);
      return entries.map((entry) => toArtifact(request.executionId, entry));
    });
  }

  /** The latest entry per task and path (a re-run after a resume supersedes), in the order first stored. */
  async list(request: { executionId: string; task?: string }): Promise<StoredArtifact[]> {
    assertExecutionId(request.executionId);
    const latest = new Map<string, IndexEntry>();
    for (const entry of await readIndex(this.indexFile(request.executionId))) {
      if (request.task === undefined || entry.task === request.task) latest.set(entryKey(entry), entry);
    }
    return [...latest.values()].map((entry) => toArtifact(request.executionId, entry));
  }

  /** True when the execution has an index here, even an empty one. */
  async hasExecution(executionId: string): Promise<boolean> {
    assertExecutionId(executionId);
    return stat(this.indexFile(executionId)).then(() => true, () => false);
  }

  async copyTo(artifact: StoredArtifact, destination: string): Promise<void> {
    await this.copyBlob(artifact.sha256, destination, describe(artifact));
  }

  /** The blob holding `sha256`; fails, naming `label`, when the sha256 is not one or its blob is gone. */
  private async presentBlob(sha256: string, label: string): Promise<string> {
    if (!isSha256(sha256)) throw new TerminalError(`${label} has no valid sha256 (${JSON.stringify(sha256)}); its index entry is damaged`);
    const blob = this.blobFile(sha256);
    if (!(await exists(blob))) throw new TerminalError(`${label} is indexed but its blob ${blob} is missing; re-run the task, or restore the blob from a backup`);
    return blob;
  }

  /** Copies a blob to `destination` through a partial file, renamed into place only once its sha256 matched. */
  private async copyBlob(sha256: string, destination: string, label: string): Promise<void> {
    const blob = await this.presentBlob(sha256, label);
    await mkdir(dirname(destination), { recursive: true });
    const partial = `${destination}.partial-${randomUUID().slice(0, 8)}`;
    try {
      const actual = await copyHashing(blob, partial);
      if (actual !== sha256) {
        throw new TerminalError(`${label} is corrupted: its blob ${blob} hashes to ${actual}, not ${sha256}. The stored copy cannot be trusted; re-run the task, or restore the blob from a backup.`);
      }
      await chmod(partial, 0o644);
      await rename(partial, destination);
    } finally {
      await rm(partial, { force: true });
    }
  }

  private async storeBlob(sourcePath: string): Promise<{ sha256: string; sizeBytes: number }> {
    // Content already stored costs one read and no write.
    const seen = await hashFile(sourcePath);
    const present = await stat(this.blobFile(seen.sha256)).catch(() => undefined);
    if (present?.size === seen.sizeBytes) return seen;
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true, mode: DIR_MODE });
    const tmp = join(tmpDir, randomUUID());
    try {
      // What was copied is what counts, should the file have changed since it was hashed.
      const sha256 = await copyHashing(sourcePath, tmp);
      const blob = this.blobFile(sha256);
      const { size } = await stat(tmp);
      const existing = await stat(blob).catch(() => undefined);
      if (existing?.size === size) return { sha256, sizeBytes: size };
      await mkdir(dirname(blob), { recursive: true, mode: DIR_MODE });
      await chmod(tmp, BLOB_MODE);
      // A blob of the wrong size was damaged: replace it whole. Otherwise link, so a concurrent writer of the same content keeps its copy.
      if (existing) await rename(tmp, blob);
      else await link(tmp, blob).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      await syncDir(dirname(blob));
      return { sha256, sizeBytes: size };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private async upload(uploadTo: string, path: string, sha256: string): Promise<{ uploadedTo?: string; uploadSkipped?: string }> {
    const target = parseUploadTarget(uploadTo, this.uploadBase);
    if (target.kind === 'remote') {
      return { uploadSkipped: `upload_to ${uploadTo}: ${target.scheme}:// stores are not supported yet; the artifact is kept in the local store only` };
    }
    const destination = join(target.dir, path);
    if (!isWithin(target.dir, destination)) return { uploadSkipped: `upload_to ${uploadTo}: \`${path}\` would land outside it` };
    const present = await hashFile(destination).catch(() => undefined);
    if (present && present.sha256 !== sha256) {
      return { uploadSkipped: `upload_to ${uploadTo}: ${destination} already holds different content, and uploads never overwrite` };
    }
    if (!present) await this.copyBlob(sha256, destination, `The upload of \`${path}\` to ${uploadTo}`);
    return { uploadedTo: pathToFileURL(destination).href };
  }

  private async appendEntries(indexFile: string, entries: readonly IndexEntry[]): Promise<void> {
    await mkdir(dirname(indexFile), { recursive: true, mode: DIR_MODE });
    appendIndexEntries(indexFile, entries);
  }

  private serialize<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.indexQueues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.indexQueues.set(key, settled);
    void settled.then(() => {
      if (this.indexQueues.get(key) === settled) this.indexQueues.delete(key);
    });
    return next;
  }

  private blobFile(sha256: string): string {
    return join(this.root, 'blobs', sha256.slice(0, 2), sha256);
  }

  private indexFile(executionId: string): string {
    return join(this.root, 'index', `${executionId}.ndjson`);
  }
}

/** One entry per task and path is current: a later one supersedes. */
function entryKey(entry: { task: string; path: string }): string {
  return `${entry.task}\u0000${entry.path}`;
}

function describe(artifact: StoredArtifact): string {
  return `Artifact \`${artifact.path}\` of task ${artifact.task} (execution ${artifact.executionId})`;
}

function toArtifact(executionId: string, entry: IndexEntry): StoredArtifact {
  return {
    executionId,
    task: entry.task,
    path: entry.path,
    type: entry.type,
    sha256: entry.sha256,
    sizeBytes: entry.size_bytes,
    uri: entry.uri,
    ...(entry.uploaded_to ? { uploadedTo: entry.uploaded_to } : {}),
    ...(entry.upload_skipped ? { uploadSkipped: entry.upload_skipped } : {}),
  };
}

/** Copies `from` to a new file `to`, synced, and returns the sha256 of what was read. */
async function copyHashing(from: string, to: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(to, 'wx', 0o600);
  try {
    for await (const chunk of createReadStream(from) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      await handle.write(chunk);
    }
    await handle.datasync();
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
