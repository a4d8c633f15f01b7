import { relative, sep } from 'node:path';
import { DEFAULT_LOAD_LIMITS, loadPipelineSource, type LoadLimits, type LoadResult } from '../spec/load-source.js';
import { toSpan } from '../spec/locate.js';
import type { Pipeline } from '../spec/schema/pipeline.js';
import { isRecord } from '../spec/task-entries.js';
import { ValidationContext, type ValidateOptions } from './context.js';
import { checkSchema } from './checks/schema-issues.js';
import { checkDuplicateNames } from './checks/names.js';
import { checkDependencies } from './checks/dependencies.js';
import { checkReferencedFiles } from './checks/files.js';
import { checkSchedule } from './checks/schedule.js';
import { checkTemplates } from './checks/templates.js';
import { checkHooks } from './checks/hooks.js';
import { checkArtifacts } from './checks/artifacts.js';
import { checkResourceKeys } from './checks/resource-keys.js';
import { checkCredentials } from './checks/credentials.js';
import { checkStrictTasks } from './checks/strict.js';
import type { Finding } from './finding.js';
import { RULES, type RuleId } from './rules.js';

export interface FileValidation {
  /** Absolute path. */
  file: string;
  /** Relative to the repository root, with `/`. */
  uri: string;
  findings: Finding[];
  /** The file's text when it could be read, for code frames. */
  text?: string;
  /** The typed pipeline when the file matched the schema. */
  pipeline?: Pipeline;
  /** The parsed source, for checks that need positions (connections, resources). */
  context?: ValidationContext;
}

export interface ValidateFileOptions extends ValidateOptions {
  /** @defaultValue DEFAULT_LOAD_LIMITS */
  limits?: LoadLimits;
  /** The file already read and parsed; it is then not read again. */
  parsed?: LoadResult;
}

/** Validates one pipeline file: every problem, each at its location; never throws for bad input. */
export function validatePipelineFile(file: string, options: ValidateFileOptions): FileValidation {
  const uri = relative(options.root, file).split(sep).join('/');
  const limits = options.limits ?? DEFAULT_LOAD_LIMITS;
  // A parse of more than the file limit allows is not trusted: read from disk, the file is reported as too large.
  const handed = options.parsed && Buffer.byteLength(options.parsed.text ?? '') <= limits.maxFileBytes ? options.parsed : undefined;
  const loaded = handed ?? loadPipelineSource(file, limits);
  if (!loaded.source) return { file, uri, findings: loadFindings(loaded, uri), text: loaded.text };
  const context = new ValidationContext(loaded.source, uri, options);
  const typed = checkSchema(context);
  const value = loaded.source.value;
  if (isRecord(value)) {
    checkDuplicateNames(context);
    checkDependencies(context);
    checkReferencedFiles(context);
    checkSchedule(context);
    checkTemplates(context);
    checkHooks(context);
    checkArtifacts(context);
    checkResourceKeys(context);
    if (options.strict) {
      checkCredentials(context);
      checkStrictTasks(context);
    }
  }
  if (loaded.problems.length === 0) return { file, uri, findings: context.findings, text: loaded.source.text, pipeline: typed, context };
  keepClearOf(context.findings, loadFindings(loaded, uri));
  return { file, uri, findings: context.findings, text: loaded.source.text, context };
}

/**
 * After a syntax error the checks ran on the parser's recovered document. Findings on the lines
 * of an error describe the parser's guess, not the user's text, so they are dropped; the rest stay.
 * Edits the array in place: extra checks keep reporting into the same list.
 */
function keepClearOf(findings: Finding[], errors: readonly Finding[]): void {
  const clear = findings.filter((finding) => !errors.some((error) => finding.line <= error.endLine && error.line <= finding.endLine));
  findings.length = 0;
  for (const finding of [errors, clear].flat()) findings.push(finding);
}

function loadFindings(loaded: LoadResult, uri: string): Finding[] {
  return loaded.problems.map((problem) => {
    const rule = `structure/${problem.code}` as RuleId;
    const span = loaded.lineCounter && loaded.text !== undefined
      ? toSpan(loaded.lineCounter, loaded.text, { offset: problem.offset, endOffset: problem.endOffset ?? problem.offset + 1 })
      : { line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { rule, severity: RULES[rule].severity, message: problem.message, file: uri, ...span, help: RULES[rule].help };
  });
}
