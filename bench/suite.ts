/** What a benchmark suite hands back to `bench/run.ts`: tables of figures and targets, never a failure. */

export interface Table {
  title: string;
  columns: readonly string[];
  rows: readonly (readonly string[])[];
}

export interface TargetResult {
  target: string;
  measured: string;
  pass: boolean;
}

export interface SuiteResult {
  tables: Table[];
  targets: TargetResult[];
  notes: string[];
}

export interface SuiteOptions {
  /** Skip the largest sizes, for a quick look while working; the figures in BENCHMARKS.md come from full runs. @defaultValue false */
  quick: boolean;
}

export interface BenchSuite {
  /** Short id, used to select suites on the command line (`node dist/bench/run.js validate`). */
  name: string;
  description: string;
  run(log: (line: string) => void, options: SuiteOptions): Promise<SuiteResult>;
}

/** Renders a table as Markdown, so the output pastes straight into BENCHMARKS.md. */
export function formatTable(table: Table): string {
  const widths = table.columns.map((column, index) => Math.max(column.length, ...table.rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index] as number) : cell.padStart(widths[index] as number))).join(' | ')} |`;
  const rule = `|${widths.map((width, index) => (index === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [`**${table.title}**`, '', line(table.columns), rule, ...table.rows.map(line)].join('\n');
}

export function formatTargets(targets: readonly TargetResult[]): string {
  return formatTable({ title: 'Targets', columns: ['target', 'measured', 'result'], rows: targets.map((target) => [target.target, target.measured, target.pass ? 'PASS' : 'MISS']) });
}
