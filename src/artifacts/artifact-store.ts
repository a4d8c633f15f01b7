/** One stored output of one task: content-addressed, write-once. */
export interface StoredArtifact {
  executionId: string;
  /** `stage.task` */
  task: string;
  /** The declared `output_artifacts[].path`, rendered: relative to the execution's output directory. */
  path: string;
  /** The declared type (`dataset`, `report`, …). @defaultValue 'file' */
  type: string;
  sha256: string;
  sizeBytes: number;
  /** Where the content lives, e.g. `file:///…/artifacts/blobs/ab/abcdef…`. */
  uri: string;
  /** Set when `upload_to` copied it somewhere else too. */
  uploadedTo?: string;
  /** Set when `upload_to` was given but not honoured (a remote store, a conflicting file): why, in words. */
  uploadSkipped?: string;
}

export interface PutArtifactRequest {
  executionId: string;
  task: string;
  /** Logical path, as declared and rendered. */
  path: string;
  /** Absolute path of the file the task wrote. */
  sourcePath: string;
  type?: string;
  /**
   * A local directory or `file://` URL to copy the artifact to as well, as `<dir>/<path>`.
   * Remote stores (`s3://`, `gs://`, …) are not supported: the artifact is kept locally and
   * `uploadSkipped` says so.
   */
  uploadTo?: string;
}

/**
 * Keeps task outputs by content (sha256), indexed by execution and task. Write-once: putting the
 * same content again stores nothing new; an index entry is never changed once written.
 */
export interface ArtifactStore {
  put(request: PutArtifactRequest): Promise<StoredArtifact>;
  /** The artifacts of one execution (optionally one task), in the order they were stored. */
  list(request: { executionId: string; task?: string }): Promise<StoredArtifact[]>;
  /** Copies an artifact's content to `destination` (a file path); verifies its sha256 on the way. */
  copyTo(artifact: StoredArtifact, destination: string): Promise<void>;
  /**
   * Indexes artifacts this store already holds (listed under another execution) under `executionId`
   * too, durably and all at once, for a rollback or resume that brings them back. Their content is
   * not read: blobs are addressed by sha256, and `copyTo` checks it whenever one is copied out.
   * Fails, indexing none of them, when a blob is missing. Resolves to the new entries, in order.
   */
  indexExisting(request: { executionId: string; artifacts: readonly StoredArtifact[] }): Promise<StoredArtifact[]>;
}
