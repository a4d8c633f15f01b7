import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationJson } from '../../src/validate/report/json.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * SARIF as GitHub code scanning receives it: produced by the built CLI for a real Git repository,
 * then checked by Microsoft's SARIF validator, by the SARIF 2.1.0 JSON Schema, and against what
 * code scanning needs to place and track alerts.
 */

const MULTITOOL = join(PROJECT_ROOT, 'node_modules', '.bin', 'sarif-multitool');
const SARIF_SCHEMA = join(PROJECT_ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'sarif-2.1.0.json');

/** Errors, warnings and strict findings across two files, one whose name needs URI encoding. */
const FIXTURE: Record<string, string> = {
  'pipelines/etl.yaml': `version: "2.1"
name: etl
schedule:
  cron: "0 2 * * *"
resources:
  default: { cpu: 1 }
  transfrom: { cpu: 2 }
stages:
  - name: extract
    tasks:
      - name: pull
        type: shel
        command: echo pull
        timeout: 5m
      - name: outside
        type: python_script
        script: ../outside.py
        timeout: 5m
  - name: transform
    tasks:
      - name: clean
        type: shell
        command: echo "{{ undefined_name }}"
        dependencies: [extract.pul]
        retires: 3
        timeout: 5m
      - name: report
        type: shell
        command: echo report
      - name: publish
        type: shell
        command: echo publish
`,
  'pipelines/nightly #2 100%.yaml': `version: "2.1"
name: nightly
resources:
  nightyl: { cpu: 1 }
stages:
  - name: nightly
    tasks:
      - name: touch
        type: shell
        command: echo hi
        timeout: 1m
`,
};

// Only what the checks below read; the schema test covers the rest of the shape.
interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level?: string;
  message: { text?: string; id?: string; arguments?: string[] };
  locations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }[];
  partialFingerprints?: Record<string, string>;
}
interface SarifRule { id: string; shortDescription?: { text: string }; help?: { text: string }; defaultConfiguration?: { level?: string } }
interface SarifRun {
  tool: { driver: { name: string; version?: string; informationUri?: string; rules?: SarifRule[] } };
  originalUriBaseIds?: Record<string, { uri: string }>;
  results: SarifResult[];
}
interface SarifLog { version: string; runs: SarifRun[] }

const LEVELS: Record<string, string> = { error: 'error', warning: 'warning', note: 'note' };

function makeRepository(): ReturnType<typeof makeTempDir> {
  const repo = makeTempDir('orchestrate-sarif-');
  for (const [path, content] of Object.entries(FIXTURE)) repo.write(path, content);
  // A real work tree: the CLI finds the repository root by its `.git`, as it will in CI.
  const git = spawnSync('git', ['init', '--quiet'], { cwd: repo.path, encoding: 'utf8' });
  if (git.status !== 0) throw new Error(`git init failed: ${git.stderr}`);
  return repo;
}

function validate(repoPath: string, output: 'sarif' | 'json', ...extra: string[]): string {
  const result = runCli(['validate', 'pipeline', '--pipeline', 'pipelines', '--strict', '--output', output, ...extra], { cwd: repoPath });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(1);
  return result.stdout;
}

/** Runs the official validator and returns its own errors and warnings, one readable line each. */
function multitoolProblems(sarifFile: string, outDir: string, ...flags: string[]): string[] {
  const out = join(outDir, `${basename(sarifFile, '.sarif')}-checked${flags.join('').replace(/\W+/g, '-')}.sarif`);
  // The npm wrapper runs the .NET tool through a shell, so arguments must not hold spaces or `;`
  // (hence `--rule-kind` one kind at a time). Invariant globalization: no libicu needed on the machine.
  // The default rule set probes every URI over the network (SARIF2006, a note), which takes a few seconds offline.
  const result = spawnSync(MULTITOOL, ['validate', sarifFile, '--output', out, ...flags], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  const log = JSON.parse(readFileSync(out, 'utf8')) as SarifLog;
  return log.runs.flatMap((run) =>
    run.results
      // A result without `level` takes its rule's default level, and SARIF's default is `warning`.
      .map((result) => ({ result, level: result.level ?? run.tool.driver.rules?.[result.ruleIndex ?? -1]?.defaultConfiguration?.level ?? 'warning' }))
      .filter(({ level }) => level === 'error' || level === 'warning')
      .map(({ result, level }) => `${level} ${result.ruleId} ${result.message.id ?? ''} ${JSON.stringify(result.message.arguments ?? result.message.text)}`),
  );
}

function compileSarifSchema() {
  // The shipped schema declares draft 2020-12; ajv-formats is not a dependency, so the four formats it uses are defined here.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const parses = (text: string, base?: string) => {
    try {
      new URL(text, base);
      return !/\s/.test(text);
    } catch {
      return false;
    }
  };
  ajv.addFormat('uri', (text: string) => parses(text));
  ajv.addFormat('uri-reference', (text: string) => parses(text, 'file:///base/'));
  ajv.addFormat('date-time', (text: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(text) && !Number.isNaN(Date.parse(text)));
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  return ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as object);
}

describe('validate pipeline --output sarif', () => {
  let repo: ReturnType<typeof makeRepository>;
  let sarifText: string;
  let sarif: SarifLog;
  let run: SarifRun;
  let json: ValidationJson;
  let reports: ReturnType<typeof makeTempDir>;
  let sarifFile: string;

  beforeAll(() => {
    repo = makeRepository();
    sarifText = validate(repo.path, 'sarif');
    sarif = JSON.parse(sarifText) as SarifLog;
    run = sarif.runs[0] as SarifRun;
    json = JSON.parse(validate(repo.path, 'json')) as ValidationJson;
    reports = makeTempDir('orchestrate-sarif-out-');
    sarifFile = reports.write('results.sarif', sarifText);
  });
  afterAll(() => {
    repo[Symbol.dispose]();
    reports[Symbol.dispose]();
  });

  it('covers errors, warnings and strict findings (so the checks below mean something)', () => {
    const levels = new Set(run.results.map((result) => result.level));
    expect([...levels].sort()).toEqual(['error', 'warning']);
    expect(run.results.some((result) => result.ruleId.startsWith('strict/'))).toBe(true);
    expect(new Set(run.results.map((result) => result.locations?.[0]?.physicalLocation.artifactLocation.uri)).size).toBe(2);
  });

  it('passes the official SARIF validator (SARIF and GitHub rule sets) without errors or warnings', () => {
    expect(multitoolProblems(sarifFile, reports.path)).toEqual([]);
    expect(multitoolProblems(sarifFile, reports.path, '--rule-kind', 'Gh')).toEqual([]);
  });

  it('would hear from the official validator about a result code scanning cannot place', () => {
    const broken = JSON.parse(sarifText) as SarifLog;
    delete (broken.runs[0] as SarifRun).results[0]?.locations;
    const brokenFile = reports.write('broken.sarif', JSON.stringify(broken));
    expect(multitoolProblems(brokenFile, reports.path, '--rule-kind', 'Gh')).toContainEqual(expect.stringContaining('Error_MissingLocationsArray'));
  });

  it('matches the SARIF 2.1.0 JSON Schema the validator ships', () => {
    const validateSarif = compileSarifSchema();
    validateSarif(sarif);
    expect(validateSarif.errors ?? []).toEqual([]);
    // And the schema is not vacuous: a level SARIF does not define is refused.
    const broken = JSON.parse(sarifText) as SarifLog;
    ((broken.runs[0] as SarifRun).results[0] as SarifResult).level = 'fatal';
    expect(validateSarif(broken)).toBe(false);
  });

  it('has one run whose driver describes the tool and every rule', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    const { driver } = run.tool;
    expect(driver.name).toBe('auto-orchestrator');
    expect(driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(new URL(driver.informationUri ?? '').protocol).toBe('https:');
    const rules = driver.rules ?? [];
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.shortDescription?.text, rule.id).toMatch(/\S/);
      expect(rule.help?.text, rule.id).toMatch(/\S/);
      expect(['error', 'warning', 'note'], rule.id).toContain(rule.defaultConfiguration?.level);
    }
  });

  it('points each result at its rule by id and by index', () => {
    const rules = run.tool.driver.rules ?? [];
    for (const result of run.results) {
      expect(rules.map((rule) => rule.id)).toContain(result.ruleId);
      expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    }
  });

  it('locates each result relative to the repository root, at the JSON finding\'s position', () => {
    const base = run.originalUriBaseIds?.['%SRCROOT%']?.uri ?? '';
    expect(base).toBe(`${pathToFileURL(repo.path).href}/`);
    expect(run.results).toHaveLength(json.findings.length);
    run.results.forEach((result, index) => {
      const finding = json.findings[index] as ValidationJson['findings'][number];
      const location = result.locations?.[0]?.physicalLocation;
      expect(result.ruleId).toBe(finding.rule);
      expect(result.level).toBe(LEVELS[finding.severity]);
      expect(result.message.text).toBe(finding.message);
      const uri = location?.artifactLocation.uri ?? '';
      expect(uri).not.toMatch(/^\//);
      expect(uri).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
      expect(location?.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      // Resolved the way a consumer does it, the URI names the file the finding is about.
      expect(fileURLToPath(new URL(uri, base))).toBe(join(repo.path, finding.file));
      expect(location?.region).toEqual({ startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn });
    });
  });

  it('gives every result its own fingerprint', () => {
    const fingerprints = run.results.map((result) => result.partialFingerprints?.['orchestrateFinding/v1']);
    for (const fingerprint of fingerprints) expect(fingerprint).toMatch(/^[0-9a-f]{32}:\d+$/);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    // Two findings of one rule, on different lines, are two alerts.
    const timeouts = run.results.filter((result) => result.ruleId === 'strict/missing-timeout');
    expect(timeouts).toHaveLength(2);
    expect(timeouts[0]?.partialFingerprints).not.toEqual(timeouts[1]?.partialFingerprints);
  });

  it('keeps fingerprints when lines are inserted above the findings, and moves the regions', () => {
    // Same repository, edited in place, so only the line numbers change.
    let after: SarifRun;
    try {
      for (const [path, content] of Object.entries(FIXTURE)) repo.write(path, `# moved down\n\n# by three lines\n${content}`);
      after = (JSON.parse(validate(repo.path, 'sarif')) as SarifLog).runs[0] as SarifRun;
    } finally {
      for (const [path, content] of Object.entries(FIXTURE)) repo.write(path, content);
    }
    expect(after.results).toHaveLength(run.results.length);
    after.results.forEach((result, index) => {
      const before = run.results[index] as SarifResult;
      expect(result.ruleId).toBe(before.ruleId);
      expect(result.partialFingerprints).toEqual(before.partialFingerprints);
      const [was, now] = [before.locations?.[0]?.physicalLocation.region, result.locations?.[0]?.physicalLocation.region];
      expect(now).toEqual({ ...was, startLine: (was?.startLine ?? 0) + 3, endLine: (was?.endLine ?? 0) + 3 });
    });
  });

  it('keeps fingerprints when the repository is checked out somewhere else', () => {
    // Messages never name the absolute repository root, so alerts cannot depend on where it is.
    expect(run.results.some((result) => result.ruleId === 'structure/path-escape')).toBe(true);
    expect(run.results.some((result) => result.message.text?.includes(repo.path))).toBe(false);
    using elsewhere = makeTempDir('orchestrate-elsewhere-');
    cpSync(repo.path, elsewhere.path, { recursive: true });
    const copy = (JSON.parse(validate(elsewhere.path, 'sarif')) as SarifLog).runs[0] as SarifRun;
    expect(copy.results.map((result) => result.partialFingerprints)).toEqual(run.results.map((result) => result.partialFingerprints));
  });
});

describe('validate pipeline --out-file', () => {
  it.each(['sarif', 'json', 'human'])('writes exactly what --output %s prints on stdout', (output) => {
    using repo = makeRepository();
    const args = ['validate', 'pipeline', '--pipeline', 'pipelines', '--strict', '--output', output];
    const printed = runCli(args, { cwd: repo.path });
    const outFile = join(repo.path, 'reports', `report.${output}`);
    const written = runCli([...args, '--out-file', outFile], { cwd: repo.path });
    expect(written.stdout).toBe('');
    expect(written.status).toBe(printed.status);
    expect(readFileSync(outFile, 'utf8')).toBe(printed.stdout);
  });
});
