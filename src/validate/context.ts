import { locatePath, toSpan, type Located, type ValuePath } from '../spec/locate.js';
import type { PipelineSource } from '../spec/load-source.js';
import type { Finding, Severity } from './finding.js';
import { RULES, type RuleId } from './rules.js';

export interface ValidateOptions {
  /** Adds the careful-reviewer rules and turns unknown keys into errors. @defaultValue false */
  strict: boolean;
  /** Absolute path of the repository root; referenced files resolve against it. */
  root: string;
}

/** Where a finding points inside a scalar: the n-th occurrence of `needle` in its source text. */
export interface Within {
  needle: string;
  occurrence?: number;
}

/** Collects findings for one pipeline file, turning value paths into file positions. */
export class ValidationContext {
  readonly findings: Finding[] = [];

  constructor(
    readonly source: PipelineSource,
    /** The file relative to the repository root, with `/`. */
    readonly uri: string,
    readonly options: ValidateOptions,
  ) {}

  report(rule: RuleId, path: ValuePath, message: string, options: { key?: boolean; within?: Within; severity?: Severity } = {}): void {
    let located = locatePath(this.source.doc, path, { key: options.key });
    if (options.within) located = locateWithin(this.source.text, located, options.within);
    this.reportAt(rule, located, message, options.severity);
  }

  reportAt(rule: RuleId, located: Located, message: string, severity?: Severity): void {
    const span = toSpan(this.source.lineCounter, this.source.text, located);
    this.findings.push({ rule, severity: severity ?? severityOf(rule, this.options.strict), message, file: this.uri, ...span, help: RULES[rule].help });
  }
}

export function severityOf(rule: RuleId, strict: boolean): Severity {
  if (strict && rule === 'structure/unknown-key') return 'error';
  return RULES[rule].severity;
}

/** Narrows a scalar's range to one occurrence of `needle` in its source text; falls back to the whole scalar. */
function locateWithin(text: string, located: Located, within: Within): Located {
  const slice = text.slice(located.offset, located.endOffset);
  let at = -1;
  for (let seen = 0; seen <= (within.occurrence ?? 0); seen++) {
    at = slice.indexOf(within.needle, at + 1);
    if (at === -1) return located;
  }
  return { offset: located.offset + at, endOffset: located.offset + at + within.needle.length };
}
