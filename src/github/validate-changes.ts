import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { checkConnections } from '../validate/connections/check-connections.js';
import { checkResources } from '../validate/resources/check-resources.js';
import { toSarif } from '../validate/report/sarif.js';
import { validateFiles, type ValidationReport, type ValidationRequest } from '../validate/validate-files.js';
import { formatFindingsMarkdown } from './markdown-summary.js';
import { globBase, globToRegExp } from './path-glob.js';

const run = promisify(execFile);

export interface ChangeValidationRequest {
  /** A work tree checked out at `head` (the action's `GITHUB_WORKSPACE`). */
  workspace: string;
  /** The commit the change starts from; absent (a new branch, a first push): every pipeline is validated. */
  base?: string;
  head: string;
  /** Which files are pipelines, relative to the workspace. */
  pipelines: string;
  strict: boolean;
  checkConnections: boolean;
  checkResources: boolean;
  /** Tool version written into the SARIF. */
  version: string;
}

/** What a pull-request check reports: the findings, the markdown for the comment and summary, the SARIF. */
export interface ChangeValidation {
  report: ValidationReport;
  markdown: string;
  sarif: object;
  /** Pipeline files the change touches (root-relative, `/`); every pipeline when there was no base. */
  changed: string[];
}

/**
 * Validates the pipelines a commit range changes, in a work tree at `head`. When `base` is not
 * in the clone (a shallow checkout), every pipeline is validated and the markdown says why.
 */
export async function validateChangedPipelines(request: ChangeValidationRequest): Promise<ChangeValidation> {
  const pattern = globToRegExp(request.pipelines);
  const diff = request.base ? await changedFiles(request.workspace, request.base, request.head) : undefined;
  const candidates = diff ?? listFiles(request.workspace, globBase(request.pipelines));
  const changed = candidates.filter((file) => pattern.test(file) && existsSync(join(request.workspace, file))).sort();
  const report = await validateFiles({ paths: changed.map((file) => join(request.workspace, file)), strict: request.strict, root: request.workspace, extraChecks: extraChecks(request) });
  const note = request.base && !diff ? `> The base commit \`${request.base.slice(0, 12)}\` is not in this clone, so every pipeline was validated; check out with \`fetch-depth: 0\` to validate only the change.\n\n` : '';
  return { report, markdown: note + formatFindingsMarkdown(report, changed), sarif: toSarif(report, request.version), changed };
}

function extraChecks(request: ChangeValidationRequest): NonNullable<ValidationRequest['extraChecks']> {
  const checks: NonNullable<ValidationRequest['extraChecks']>[number][] = [];
  if (request.checkConnections) checks.push((files) => checkConnections(files));
  if (request.checkResources) checks.push((files) => checkResources(files));
  return checks;
}

/** Files that differ between the commits, or undefined when git cannot tell (the base is missing). */
async function changedFiles(workspace: string, base: string, head: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('git', ['diff', '--name-only', '--no-renames', '-z', base, head, '--'], { cwd: workspace, maxBuffer: 64 * 1024 * 1024 });
    return stdout.split('\0').filter((file) => file.length > 0);
  } catch {
    return undefined;
  }
}

function listFiles(root: string, directory: string): string[] {
  const start = join(root, directory);
  if (!existsSync(start)) return [];
  return (readdirSync(start, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}
