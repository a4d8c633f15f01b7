/** One file that differs between two commits. */
export interface ChangedFile {
  /** Path relative to the repository root, with `/`. */
  path: string;
  /** Renames are reported as a deletion and an addition. */
  status: 'added' | 'modified' | 'deleted';
}

/**
 * A repository of pipelines as the controller sees it: commits are named by SHA only,
 * and every SHA that was deployed or executed stays reachable once pinned.
 */
export interface Source {
  /** The repository as it may be shown: never carries credentials. */
  readonly display: string;
  /** Brings the mirror up to date and returns the SHA `ref` points at (the remote's default branch when absent). */
  fetch(ref?: string): Promise<string>;
  /** A branch, tag or (abbreviated) SHA turned into a full commit SHA, once; only SHAs are recorded. */
  resolve(ref: string): Promise<string>;
  /** Files that differ between two commits. */
  diff(base: string, head: string): Promise<ChangedFile[]>;
  /**
   * Extracts the tree at `sha` into `dir` (created, must be empty) and makes it read-only.
   * `pin: false` leaves `sha` unpinned, for a tree extracted before anyone knows it will be used.
   */
  checkout(sha: string, dir: string, options?: { pin?: boolean }): Promise<void>;
  /**
   * Brings the read-only tree `dir` to `sha` through its own index file `index`, writing only the
   * files that differ from the tree an earlier call left there; without `index` yet, checks `sha`
   * out whole into `dir` (created, must be empty). Pins nothing; `dir` ends read-only. `from`, the
   * commit the tree holds, is needed once `index` exists: the files to write are its diff to `sha`.
   */
  updateTree(sha: string, dir: string, index: string, from?: string): Promise<void>;
  /** Keeps `sha` reachable under `refs/orchestrate/pins/<sha>`, whatever happens to branches upstream. */
  pin(sha: string): Promise<void>;
  /** File contents at `sha`; a path missing there (or not a file) is absent from the map. */
  readFiles(sha: string, paths: readonly string[]): Promise<Map<string, Buffer>>;
  /** Paths of the files under `dir` at `sha` (the whole tree when `dir` is empty), sorted. */
  listFiles(sha: string, dir: string): Promise<string[]>;
  /** Paths under `dir` at `sha` whose content contains any of the fixed strings (case-sensitive). */
  grepFiles(sha: string, dir: string, needles: readonly string[]): Promise<string[]>;
  /** The committer date of `sha`. */
  commitDate(sha: string): Promise<Date>;
}
