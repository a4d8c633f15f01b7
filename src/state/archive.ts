import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { TerminalError } from '../errors.js';
import { formatTaskCsv } from './archive-csv.js';
import type { LedgerEvent } from './events.js';
import { foldExecution } from './fold.js';
import { assertExecutionId } from './ledger-lines.js';
import { encodeRecord } from './log-records.js';
import type { LogRecord } from './log-store.js';

export type ArchiveFormat = 'json' | 'ndjson' | 'csv';

export interface ArchiveRequest {
  executionId: string;
  /** The whole ledger, as read. */
  events: readonly LedgerEvent[];
  /** A local directory; the archive goes to `<destination>/<execution-id>/`. */
  destination: string;
  /** `json`: the folded state; `ndjson`: every event; `csv`: one row per task. */
  format: ArchiveFormat;
  /** Gzip each file (`.gz`). */
  compress: boolean;
  /** The task output to include, as the log store holds it (already redacted). */
  logs?: readonly LogRecord[];
  /** Copies every stored artifact, verified by sha256, under `artifacts/<task>/<path>`. */
  artifacts?: ArtifactStore;
  /** Work out the files and their sizes, write nothing. */
  dryRun: boolean;
}

export interface ArchivedFile {
  path: string;
  bytes: number;
}

const FILE_NAMES: Record<ArchiveFormat, string> = { json: 'state.json', ndjson: 'events.ndjson', csv: 'tasks.csv' };

/**
 * Writes one execution's archive. Nothing in it can hold a secret in clear text: the ledger
 * never has one and log lines were redacted before they were stored. Each file is written to a
 * temporary name and renamed, so an archive file is whole or absent.
 */
export async function archiveExecution(request: ArchiveRequest): Promise<ArchivedFile[]> {
  assertExecutionId(request.executionId);
  const directory = join(request.destination, request.executionId);
  const files: { name: string; content: string }[] = [{ name: FILE_NAMES[request.format], content: render(request) }];
  if (request.logs) files.push({ name: 'logs.ndjson', content: request.logs.map((record) => `${encodeRecord(record)}\n`).join('') });
  const written: ArchivedFile[] = [];
  for (const file of files) {
    const bytes = request.compress ? gzipSync(file.content) : Buffer.from(file.content);
    const path = join(directory, request.compress ? `${file.name}.gz` : file.name);
    if (!request.dryRun) await writeWhole(path, bytes);
    written.push({ path, bytes: bytes.length });
  }
  if (request.artifacts) written.push(...(await copyArtifacts(request.artifacts, request.executionId, join(directory, 'artifacts'), request.dryRun)));
  return written;
}

function render(request: ArchiveRequest): string {
  if (request.format === 'ndjson') return request.events.map((event) => `${JSON.stringify(event)}\n`).join('');
  const state = foldExecution(request.events);
  return request.format === 'csv' ? formatTaskCsv(state) : `${JSON.stringify(state, null, 2)}\n`;
}

async function copyArtifacts(store: ArtifactStore, executionId: string, root: string, dryRun: boolean): Promise<ArchivedFile[]> {
  const copied: ArchivedFile[] = [];
  for (const artifact of await store.list({ executionId })) {
    const path = resolve(root, artifact.task, artifact.path);
    // A declared path is relative to the task's outputs; one that climbs out would write outside the archive.
    if (relative(root, path).split(sep)[0] === '..') throw new TerminalError(`Artifact path \`${artifact.path}\` of task ${artifact.task} leaves the archive directory; it was not copied.`);
    if (!dryRun) {
      await mkdir(dirname(path), { recursive: true });
      await store.copyTo(artifact, path);
    }
    copied.push({ path, bytes: artifact.sizeBytes });
  }
  return copied;
}

async function writeWhole(path: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}
