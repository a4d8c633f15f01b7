import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_LOAD_LIMITS } from '../../src/spec/load-source.js';
import { listPipelineFiles } from '../../src/spec/pipeline-files.js';
import { validateFiles } from '../../src/validate/validate-files.js';
import { validatePipelineFile } from '../../src/validate/validate-pipeline.js';
import type { Finding } from '../../src/validate/finding.js';
import { logLogSlope, measureRounds, type Timing } from '../measure.js';
import type { BenchSuite, SuiteResult, TargetResult } from '../suite.js';
import { makeFixtureRepo } from './fixture-repo.js';
import { generatePipeline } from './generate-pipeline.js';

/**
 * The validator against its floor: a bare `YAML.parse` of the same bytes, timed in the same run.
 * Targets (issue 2 §6): ≤ 3× the floor, 10,000 tasks under 0.5 s, 1,000 files under 2 s, linear growth.
 */
const SINGLE_SIZES = [
  { tasks: 1_000, warmup: 2, repeats: 7 },
  { tasks: 10_000, warmup: 1, repeats: 5 },
  // No warm-up: the smaller sizes have warmed the JIT, and one 100k round costs about a minute here.
  { tasks: 100_000, warmup: 0, repeats: 3 },
] as const;
// No warm-up: the single files have warmed the same code paths.
const REPO = { files: 1_000, tasksPerFile: 20, warmup: 0, repeats: 5 } as const;
const MAX_RATIO = 3;
/** A log-log slope at or under this counts as linear: timer noise and GC bend a straight line a little. */
const MAX_LINEAR_SLOPE = 1.15;

interface Row {
  label: string;
  tasks: number;
  edges: number;
  bytes: number;
  floor: Timing;
  validate: Timing;
  strict: Timing;
  findings: number;
  strictFindings: number;
}

export const validateSuite: BenchSuite = {
  name: 'validate',
  description: '`validatePipelineFile` / `validateFiles` against a bare `YAML.parse` of the same bytes',
  async run(log, { quick }) {
    using repo = makeFixtureRepo();
    const rows: Row[] = [];
    const notes: string[] = [];
    const sample = (findings: readonly Finding[]) => findings.slice(0, 3).map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule} ${finding.message}`);

    for (const size of quick ? SINGLE_SIZES.filter((candidate) => candidate.tasks < 100_000) : SINGLE_SIZES) {
      const generated = generatePipeline({ name: `bench_${size.tasks}`, tasks: size.tasks, seed: size.tasks });
      const file = repo.write(`single/bench_${size.tasks}.yaml`, generated.text);
      const bytes = Buffer.byteLength(generated.text);
      // 100k tasks is ~40 MiB, past the default 10 MiB file limit; the limit is raised only when needed.
      const limits = { ...DEFAULT_LOAD_LIMITS, maxFileBytes: Math.max(DEFAULT_LOAD_LIMITS.maxFileBytes, bytes) };
      const options = { root: repo.root, limits };
      log(`validate: ${size.tasks} tasks (${(bytes / 2 ** 20).toFixed(1)} MiB)`);
      // The findings of the timed runs are kept (not the results: 100k tasks of parsed YAML is gigabytes).
      let findings: Finding[] = [];
      let strictFindings: Finding[] = [];
      const { floor, validate, strict } = await measureRounds({
        floor: () => parse(generated.text),
        validate: () => (findings = validatePipelineFile(file, { ...options, strict: false }).findings),
        strict: () => (strictFindings = validatePipelineFile(file, { ...options, strict: true }).findings),
      }, size);
      notes.push(...sample(strictFindings));
      rows.push({ label: `1 file, ${size.tasks.toLocaleString('en-US')} tasks`, tasks: size.tasks, edges: generated.edges, bytes, floor, validate, strict, findings: findings.length, strictFindings: strictFindings.length });
    }

    log(`validate: repository of ${REPO.files} files × ${REPO.tasksPerFile} tasks`);
    let edges = 0;
    let bytes = 0;
    for (let index = 0; index < REPO.files; index++) {
      const generated = generatePipeline({ name: `bench_repo_${index}`, tasks: REPO.tasksPerFile, seed: index + 1 });
      repo.write(`pipelines/bench_${String(index).padStart(4, '0')}.yaml`, generated.text);
      edges += generated.edges;
      bytes += Buffer.byteLength(generated.text);
    }
    const directory = join(repo.root, 'pipelines');
    const { files } = listPipelineFiles([directory]);
    const request = { paths: [directory], root: repo.root };
    let findings: Finding[] = [];
    let strictFindings: Finding[] = [];
    const { floor, validate, strict } = await measureRounds({
      floor: () => files.map((path) => parse(readFileSync(path, 'utf8'))),
      validate: async () => (findings = (await validateFiles({ ...request, strict: false })).findings),
      strict: async () => (strictFindings = (await validateFiles({ ...request, strict: true })).findings),
    }, REPO);
    notes.push(...sample(strictFindings));
    const tasks = REPO.files * REPO.tasksPerFile;
    rows.push({ label: `${REPO.files.toLocaleString('en-US')} files × ${REPO.tasksPerFile} tasks`, tasks, edges, bytes, floor, validate, strict, findings: findings.length, strictFindings: strictFindings.length });

    return report(rows, notes);
  },
};

function report(rows: readonly Row[], notes: string[]): SuiteResult {
  const ms = (timing: Timing) => timing.median.toFixed(timing.median < 100 ? 1 : 0);
  const ratio = (timing: Timing, floor: Timing) => `${(timing.median / floor.median).toFixed(2)}×`;
  const perTask = (timing: Timing, tasks: number) => ((timing.median * 1000) / tasks).toFixed(1);
  const table = {
    title: 'Validator vs bare `YAML.parse` (median ms)',
    columns: ['case', 'edges', 'MiB', 'runs', 'parse floor', 'MiB/s', 'validate', '× floor', 'µs/task', '--strict', '× floor', 'µs/task', 'findings'],
    rows: rows.map((row) => [
      row.label,
      row.edges.toLocaleString('en-US'),
      (row.bytes / 2 ** 20).toFixed(1),
      String(row.validate.samples.length),
      ms(row.floor),
      (row.bytes / 2 ** 20 / (row.floor.median / 1000)).toFixed(1),
      ms(row.validate),
      ratio(row.validate, row.floor),
      perTask(row.validate, row.tasks),
      ms(row.strict),
      ratio(row.strict, row.floor),
      perTask(row.strict, row.tasks),
      `${row.findings}/${row.strictFindings}`,
    ]),
  };

  const singles = rows.filter((row) => row.label.startsWith('1 file'));
  const repoRow = rows[rows.length - 1] as Row;
  const tenK = singles.find((row) => row.tasks === 10_000) as Row;
  const slopeOf = (pick: (row: Row) => Timing) => logLogSlope(singles.map((row) => ({ size: row.tasks, ms: pick(row).median })));
  const segments = (pick: (row: Row) => Timing) =>
    singles.slice(1).map((row, index) => logLogSlope([{ size: (singles[index] as Row).tasks, ms: pick(singles[index] as Row).median }, { size: row.tasks, ms: pick(row).median }]).toFixed(2)).join(' → ');
  const span = singles.map((row) => `${row.tasks / 1000}k`);
  const slopes = {
    title: `Growth: log-log slope of time against tasks, ${span.join(' → ')} (1.0 is linear)`,
    columns: ['measure', `slope ${span[0]}→${span[span.length - 1]}`, 'per decade'],
    rows: [
      ['parse floor', slopeOf((row) => row.floor).toFixed(2), segments((row) => row.floor)],
      ['validate', slopeOf((row) => row.validate).toFixed(2), segments((row) => row.validate)],
      ['validate --strict', slopeOf((row) => row.strict).toFixed(2), segments((row) => row.strict)],
    ],
  };

  const targets: TargetResult[] = [];
  for (const row of rows) {
    for (const [mode, timing] of [['validate', row.validate], ['--strict', row.strict]] as const) {
      const value = timing.median / row.floor.median;
      targets.push({ target: `≤ ${MAX_RATIO}× parse: ${row.label}, ${mode}`, measured: `${value.toFixed(2)}×`, pass: value <= MAX_RATIO });
    }
  }
  for (const [mode, timing] of [['validate', tenK.validate], ['--strict', tenK.strict]] as const) {
    targets.push({ target: `10,000 tasks < 500 ms, ${mode}`, measured: `${timing.median.toFixed(0)} ms`, pass: timing.median < 500 });
  }
  for (const [mode, timing] of [['validate', repoRow.validate], ['--strict', repoRow.strict]] as const) {
    targets.push({ target: `1,000 files < 2,000 ms, ${mode}`, measured: `${timing.median.toFixed(0)} ms`, pass: timing.median < 2000 });
  }
  for (const [mode, pick] of [['validate', (row: Row) => row.validate], ['--strict', (row: Row) => row.strict]] as const) {
    const slope = slopeOf(pick);
    targets.push({ target: `linear (slope ≤ ${MAX_LINEAR_SLOPE}), ${mode}`, measured: slope.toFixed(2), pass: slope <= MAX_LINEAR_SLOPE });
  }

  notes.unshift('findings: non-strict/strict counts; the generated pipelines are meant to be clean, so anything but 0/0 is a generator or validator bug.');
  return { tables: [table, slopes], targets, notes };
}
