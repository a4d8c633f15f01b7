import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { validateFiles, type ValidationReport, type ValidationRequest } from '../validate/validate-files.js';
import { filesReferencedBy } from './repository-paths.js';
import type { Selection } from './select-pipelines.js';
import type { Source } from './source.js';

export interface CommitValidationOptions {
  /** @defaultValue false */
  strict?: boolean;
  /** Connection and resource checks, run after the file checks. */
  extraChecks?: ValidationRequest['extraChecks'];
  /** What the report's `root` and files' absolute paths point at once the scratch tree is gone. @defaultValue process.cwd() */
  root?: string;
}

/**
 * Validates the selected pipelines as they are at `sha`. Only those files and the files they
 * refer to are read from Git (one batch) into a scratch tree that is removed afterwards, so the
 * cost follows the selection, not the repository. Findings name repository paths.
 */
export async function validateAtCommit(source: Source, sha: string, selection: Pick<Selection, 'validated' | 'head'>, options: CommitValidationOptions = {}): Promise<ValidationReport> {
  const scratch = mkdtempSync(join(tmpdir(), 'orchestrate-validate-'));
  try {
    const files = selection.validated.map((change) => change.file);
    const referenced = files.flatMap((file) => {
      const blob = selection.head.get(file);
      return blob ? filesReferencedBy(blob) : [];
    });
    const contents = await source.readFiles(sha, [...files, ...referenced]);
    for (const [path, bytes] of contents) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), bytes);
    }
    const report = await validateFiles({
      paths: files.filter((file) => contents.has(file)).map((file) => join(scratch, file)),
      // Selecting them parsed these very bytes already.
      parsed: new Map(files.flatMap((file) => {
        const blob = selection.head.get(file);
        return blob ? [[join(scratch, file), blob.loaded] as const] : [];
      })),
      strict: options.strict === true,
      root: scratch,
      extraChecks: options.extraChecks,
    });
    return relocate(report, scratch, options.root ?? process.cwd());
  } finally {
    // Off the main thread: on the way to a deployment, a synchronous removal costs a millisecond.
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The scratch directory is gone after validation: report paths against the repository instead. */
function relocate(report: ValidationReport, scratch: string, root: string): ValidationReport {
  const move = (text: string) => text.split(`${scratch}/`).join('').split(scratch).join('.');
  return {
    ...report,
    root,
    files: report.files.map((file) => ({ ...file, file: join(root, file.uri), context: undefined })),
    findings: report.findings.map((finding) => ({ ...finding, message: move(finding.message) })),
  };
}
