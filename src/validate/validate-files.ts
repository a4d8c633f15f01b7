import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { listPipelineFiles } from '../spec/pipeline-files.js';
import { findRepositoryRoot } from '../spec/repository-root.js';
import type { LoadLimits, LoadResult } from '../spec/load-source.js';
import { countBySeverity, sortFindings, type Finding } from './finding.js';
import { validatePipelineFile, type FileValidation } from './validate-pipeline.js';

export interface ValidationRequest {
  /** Files or directories; directories are searched for `*.yaml`/`*.yml`. */
  paths: readonly string[];
  strict: boolean;
  /** Repository root; by default the Git work tree holding the first path, else the current directory. */
  root?: string;
  limits?: LoadLimits;
  /**
   * Files the caller has already read and parsed, by absolute path: they are validated from this
   * rather than read again (a parse of more than `limits` allows is not trusted and the file is
   * read). A rollback and a commit's validation parsed the pipelines from Git before.
   */
  parsed?: ReadonlyMap<string, LoadResult>;
  /** Extra passes over the validated files (connection and resource checks), run after the file checks. */
  extraChecks?: readonly ((files: FileValidation[]) => Promise<void> | void)[];
}

export interface ValidationReport {
  valid: boolean;
  root: string;
  files: FileValidation[];
  findings: Finding[];
  counts: { files: number; errors: number; warnings: number; notes: number };
}

/** Validates every pipeline named by the request and gathers all findings in a stable order. */
export async function validateFiles(request: ValidationRequest): Promise<ValidationReport> {
  const { files: paths, missing } = listPipelineFiles(request.paths);
  if (missing.length > 0) throw new UsageError(`No such file or directory: ${missing.join(', ')}`);
  const root = request.root ? resolve(request.root) : findRepositoryRoot(request.paths[0] ?? '.');
  const files = paths.map((file) => validatePipelineFile(file, { strict: request.strict, root, limits: request.limits, parsed: request.parsed?.get(file) }));
  for (const check of request.extraChecks ?? []) await check(files);
  const findings = sortFindings(files.flatMap((file) => file.findings));
  const counts = countBySeverity(findings);
  return { valid: counts.errors === 0, root, files, findings, counts: { files: files.length, ...counts } };
}
